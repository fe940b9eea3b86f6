import { ConfigError } from "../errors.js";
import { API_KEY_ENV, resolveApiKey } from "./api-key-env.js";
import { appConfigSchema } from "./app-config-schema.js";
import { expandEnv } from "./expand-env.js";
import { describeIssue } from "./issue-messages.js";
import { problemAt, startsWithPath, type KeyPath } from "./key-path.js";
import { isPlainObject } from "./plain-object.js";
import type { AppConfig } from "./types.js";

/** A slot whose provider needs a key that neither the config nor the provider's variable gives. */
function missingApiKeys(config: AppConfig, file: string, env: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  for (const [slot, model] of Object.entries(config.models)) {
    const variables = API_KEY_ENV[model.provider];
    if (variables === undefined || resolveApiKey(model.provider, model.api_key, env) !== undefined) continue;
    problems.push(problemAt(file, ["models", slot, "api_key"], `required for provider ${model.provider} (or set ${variables.join(" or ")})`));
  }
  return problems;
}

/** Removes the key at `path` from a tree built of plain objects and arrays. */
function deleteAt(tree: unknown, path: KeyPath): void {
  let node = tree;
  for (const part of path.slice(0, -1)) node = (node as Record<PropertyKey, unknown>)[part];
  const last = path.at(-1);
  if (last !== undefined && isPlainObject(node)) delete node[last as string];
}

/**
 * Expands `${VAR}` references and validates a config tree (as read from
 * `agentapp.yaml`, or as sent by the platform). Throws one `ConfigError`
 * listing every problem as `<file>: <key path>: <problem>`; unknown keys are
 * dropped with a warning each.
 *
 * @example
 * const { config } = parseConfig({ server: { port: "${PORT:-8080}" } }, { file: "agentapp.yaml" });
 * config.server.port; // 8080
 */
export function parseConfig(raw: unknown, opts: { file: string; env?: NodeJS.ProcessEnv }): { config: AppConfig; warnings: string[] } {
  const { file } = opts;
  if (!isPlainObject(raw)) throw new ConfigError([problemAt(file, [], "top level must be a mapping")]);

  const expansion = expandEnv(raw, opts.env ?? process.env);
  const problems = [
    ...expansion.cycles.map((path) => problemAt(file, path, "must not contain itself (YAML alias cycle)")),
    ...expansion.unset.map(({ path, variable }) => problemAt(file, path, `environment variable ${variable} is not set`)),
  ];
  const unreliable = [...expansion.cycles, ...expansion.unset.map(({ path }) => path)];

  const warnings: string[] = [];
  const unknownKeys: KeyPath[] = [];
  const result = appConfigSchema.safeParse(expansion.value, { error: describeIssue });
  for (const issue of result.error?.issues ?? []) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        unknownKeys.push([...issue.path, key]);
        warnings.push(problemAt(file, [...issue.path, key], "unknown key, ignored"));
      }
    } else if (!unreliable.some((path) => startsWithPath(issue.path, path))) {
      problems.push(problemAt(file, issue.path, issue.message));
    }
  }
  if (result.success) problems.push(...missingApiKeys(result.data, file, opts.env ?? process.env));
  if (problems.length > 0) throw new ConfigError(problems);
  if (result.success) return { config: result.data, warnings };

  // Only unknown keys failed the strict schema: drop them and parse again.
  for (const path of unknownKeys) deleteAt(expansion.value, path);
  const retry = appConfigSchema.safeParse(expansion.value, { error: describeIssue });
  if (!retry.success) throw new ConfigError(retry.error.issues.map((issue) => problemAt(file, issue.path, issue.message)));
  const missing = missingApiKeys(retry.data, file, opts.env ?? process.env);
  if (missing.length > 0) throw new ConfigError(missing);
  return { config: retry.data, warnings };
}
