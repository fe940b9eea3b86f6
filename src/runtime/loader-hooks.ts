/**
 * Module resolution hooks for a user's project, registered with
 * `module.register` in every thread that loads an App:
 * - `import ... from "agentscope"` always resolves to the running runtime,
 *   whether or not the project installed the package, so that `runtime` is
 *   the instance this thread initialized;
 * - a `.ts` file of the project is an ES module unless a package.json says
 *   otherwise (a bare folder with `app.ts` has no package.json at all, and
 *   Node's default would make it CommonJS). Imports between such files may
 *   name them `./x.js` (as tsc wants), `./x.ts` or `./x`.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export interface LoaderHooksData {
  /** File URL of this runtime's public entry module. */
  agentscopeUrl: string;
}

interface ResolveContext {
  conditions: string[];
  importAttributes?: Record<string, string>;
  parentURL?: string;
}
interface ResolveResult {
  url: string;
  format?: string | null;
  shortCircuit?: boolean;
}
type NextResolve = (specifier: string, context?: ResolveContext) => Promise<ResolveResult>;

let agentscopeUrl = "";

export function initialize(data: LoaderHooksData): void {
  agentscopeUrl = data.agentscopeUrl;
}

export async function resolve(specifier: string, context: ResolveContext, next: NextResolve): Promise<ResolveResult> {
  if (specifier === "agentscope") return { url: agentscopeUrl, format: "module", shortCircuit: true };
  // A project's own TypeScript, when nothing declares its module type, is an ES
  // module. Resolved here, because tsx would otherwise route imports between
  // such files through its CommonJS bridge, where "agentscope" cannot be found.
  const own = resolveProjectTypeScript(specifier, context.parentURL);
  if (own !== undefined) return { url: own, format: "module", shortCircuit: true };
  return next(specifier, context);
}

const TS_FILE = /\.(ts|tsx)$/;

/** The URL of a project .ts file that `specifier` names (`./x.js`, `./x`, `./x.ts`), if it exists and is untyped. */
function resolveProjectTypeScript(specifier: string, parentURL: string | undefined): string | undefined {
  const isPath = specifier.startsWith("./") || specifier.startsWith("../") || specifier.startsWith("/") || specifier.startsWith("file:");
  if (!isPath) return undefined;
  let base: URL;
  try {
    base = new URL(specifier, parentURL);
  } catch {
    return undefined;
  }
  if (base.protocol !== "file:" || base.pathname.includes("/node_modules/")) return undefined;
  if (parentURL !== undefined && !specifier.startsWith("file:") && !isOwnFile(parentURL)) return undefined;
  const file = fileURLToPath(base);
  for (const candidate of typeScriptCandidates(file)) {
    if (existsSync(candidate) && !declaresPackageType(candidate)) return pathToFileURL(candidate).href;
  }
  return undefined;
}

function isOwnFile(url: string): boolean {
  return url.startsWith("file:") && !url.includes("/node_modules/");
}

function typeScriptCandidates(file: string): string[] {
  if (TS_FILE.test(file)) return [file];
  const ext = path.extname(file);
  if (ext === ".js" || ext === ".jsx") {
    const stem = file.slice(0, -ext.length);
    return [`${stem}.ts`, `${stem}.tsx`];
  }
  if (ext === "") return [`${file}.ts`, `${file}.tsx`, path.join(file, "index.ts")];
  return [];
}

const packageTypeCache = new Map<string, boolean>();

/** Whether the nearest package.json above the file sets `"type"` explicitly. */
function declaresPackageType(file: string): boolean {
  let dir = path.dirname(file);
  const visited: string[] = [];
  for (;;) {
    const cached = packageTypeCache.get(dir);
    if (cached !== undefined) return remember(visited, cached);
    visited.push(dir);
    const manifest = path.join(dir, "package.json");
    if (existsSync(manifest)) return remember(visited, hasTypeField(manifest));
    const parent = path.dirname(dir);
    if (parent === dir) return remember(visited, false);
    dir = parent;
  }
}

function remember(dirs: readonly string[], value: boolean): boolean {
  for (const dir of dirs) packageTypeCache.set(dir, value);
  return value;
}

function hasTypeField(manifest: string): boolean {
  try {
    const parsed: unknown = JSON.parse(readFileSync(manifest, "utf8"));
    return typeof parsed === "object" && parsed !== null && "type" in parsed;
  } catch {
    return false;
  }
}
