import { register } from "node:module";
import { register as registerTypeScript } from "tsx/esm/api";
import type { LoaderHooksData } from "./loader-hooks.js";

let registered = false;

/**
 * Lets this thread import a user's TypeScript project with no build step and
 * resolve its `agentscope` imports to this runtime. Idempotent per thread.
 */
export function registerProjectLoader(): void {
  if (registered) return;
  registered = true;
  registerTypeScript();
  // Registered after tsx so that it runs first: it sees "agentscope" before tsx does.
  // From source (tests run through tsx) the modules end in .ts; once built, in .js.
  const ext = import.meta.url.endsWith(".ts") ? ".ts" : ".js";
  const data: LoaderHooksData = { agentscopeUrl: new URL(`../index${ext}`, import.meta.url).href };
  register(new URL(`./loader-hooks${ext}`, import.meta.url), { data });
}
