import path from "node:path";
import type { Argv } from "yargs";
import { loadConfig, type LoadedConfig } from "../config/index.js";

export interface ProjectArgs {
  project_path: string;
  config: string | undefined;
}

/** The positional project folder and `--config`, shared by every command that reads a project. */
export function withProjectOptions<T>(yargs: Argv<T>): Argv<T & ProjectArgs> {
  return yargs
    .positional("project_path", { type: "string", default: ".", describe: "the project folder (agentapp.yaml and app.ts)" })
    .option("config", { type: "string", describe: "config file, relative to the current directory (default: <project>/agentapp.yaml)" }) as Argv<
    T & ProjectArgs
  >;
}

/** Loads the project's config: paths on the command line are relative to the current directory. */
export function loadProjectConfig(args: ProjectArgs): Promise<LoadedConfig & { projectDir: string }> {
  const projectDir = path.resolve(args.project_path);
  const configPath = args.config === undefined ? undefined : path.resolve(args.config);
  return loadConfig({ projectDir, ...(configPath !== undefined && { configPath }) }).then((loaded) => ({ ...loaded, projectDir }));
}
