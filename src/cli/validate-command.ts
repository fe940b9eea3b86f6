import type { CommandModule } from "yargs";
import { findAppFile, loadApp } from "../runtime/app-loader.js";
import { ExitCode } from "./exit-codes.js";
import { loadProjectConfig, withProjectOptions, type ProjectArgs } from "./project-options.js";
import { reportError } from "./report-error.js";

/** `agentscope validate`: checks the config and that the App loads, without starting it. */
export function validateCommand(onExit: (code: ExitCode) => void): CommandModule<object, ProjectArgs> {
  return {
    command: "validate [project_path]",
    describe: "check a project's config and app without starting it",
    builder: (yargs) => withProjectOptions(yargs) as never,
    handler: async (args) => onExit(await validate(args)),
  };
}

async function validate(args: ProjectArgs): Promise<ExitCode> {
  let loaded;
  try {
    loaded = await loadProjectConfig(args);
  } catch (error) {
    reportError(error, false);
    return ExitCode.CONFIG;
  }
  for (const warning of loaded.warnings) process.stderr.write(`Warning in ${warning}\n`);
  try {
    const appFile = await findAppFile(loaded.projectDir, loaded.config.app);
    await loadApp(appFile);
    process.stdout.write(`ok: ${loaded.file} and ${appFile}\n`);
    return ExitCode.OK;
  } catch (error) {
    reportError(error, false);
    return ExitCode.FAILURE;
  }
}
