/**
 * Module resolution hooks for a user's project, registered with
 * `module.register` in every thread that loads an App:
 * - `import ... from "agentscope"` always resolves to the running runtime,
 *   whether or not the project installed the package, so that `runtime` is
 *   the instance this thread initialized;
 * - a `.ts` file of the project is an ES module unless its package.json says
 *   otherwise (a bare folder with `app.ts` has no package.json at all, and
 *   Node's default would make it CommonJS).
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

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
  const resolved = await next(specifier, context);
  if (resolved.format === "commonjs" && isProjectTypeScript(resolved.url) && !declaresPackageType(resolved.url)) {
    return { ...resolved, format: "module" };
  }
  return resolved;
}

function isProjectTypeScript(url: string): boolean {
  return url.startsWith("file:") && /\.(ts|tsx)$/.test(url) && !url.includes("/node_modules/");
}

const packageTypeCache = new Map<string, boolean>();

/** Whether the nearest package.json above the file sets `"type"` explicitly. */
function declaresPackageType(url: string): boolean {
  let dir = path.dirname(fileURLToPath(url));
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
