import { parseDocument, type YAMLError } from "yaml";
import { ConfigError } from "../errors.js";

/** `<file>: line L, column C: <problem>`, without the source excerpt (it may hold a secret). */
function describe(file: string, error: YAMLError): string {
  const problem = (error.message.split("\n")[0] ?? "").replace(/ at line \d+, column \d+:?$/, "");
  const pos = error.linePos?.[0];
  return pos ? `${file}: line ${pos.line}, column ${pos.col}: ${problem}` : `${file}: ${problem}`;
}

/**
 * Parses YAML text into plain data; an empty document is `{}`. Syntax errors
 * become one `ConfigError` listing each with its line and column.
 */
export function readYaml(text: string, file: string): { data: unknown; warnings: string[] } {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new ConfigError(doc.errors.map((error) => describe(file, error)));
  let data: unknown;
  try {
    data = doc.toJS();
  } catch (error) {
    // toJS refuses documents that expand aliases excessively.
    throw new ConfigError([`${file}: ${error instanceof Error ? error.message : String(error)}`]);
  }
  return { data: data ?? {}, warnings: doc.warnings.map((warning) => describe(file, warning)) };
}
