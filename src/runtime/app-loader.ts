import { access } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { AppLoadError, errorMessage } from "../errors.js";
import { AgentApp } from "./agent-app.js";
import { registerProjectLoader } from "./register-loader.js";

/** The files tried, in order, when the config has no `app` key. */
export const APP_CANDIDATES = ["app.ts", "app.mts", "app.js", "app.mjs"] as const;

/** The App module's path: the config's `app` (relative to the project), else the first candidate present. */
export async function findAppFile(projectDir: string, configured: string | undefined): Promise<string> {
  if (configured !== undefined) {
    const file = path.resolve(projectDir, configured);
    if (!(await exists(file))) throw new AppLoadError(`app: ${file} does not exist`);
    return file;
  }
  for (const candidate of APP_CANDIDATES) {
    const file = path.join(projectDir, candidate);
    if (await exists(file)) return file;
  }
  throw new AppLoadError(`no app in ${projectDir}: add one of ${APP_CANDIDATES.join(", ")} or set "app" in agentapp.yaml`);
}

type AppClass = new () => AgentApp;

/** Imports the App module and builds its App (the `App` export, else the default export). */
export async function loadApp(file: string): Promise<AgentApp> {
  registerProjectLoader();
  let exports: Record<string, unknown>;
  try {
    exports = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    throw new AppLoadError(`${file}: failed to import: ${errorMessage(error)}`, { cause: error });
  }
  const candidate = exports["App"] ?? exports["default"];
  if (!isAppClass(candidate)) {
    throw new AppLoadError(
      `${file}: must export a class App (or a default export) that extends AgentApp from "agentscope"`,
    );
  }
  try {
    return new candidate();
  } catch (error) {
    throw new AppLoadError(`${file}: new App() failed: ${errorMessage(error)}`, { cause: error });
  }
}

function isAppClass(value: unknown): value is AppClass {
  return typeof value === "function" && value.prototype instanceof AgentApp;
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
