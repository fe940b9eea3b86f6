#!/usr/bin/env node
/** The command line; the only place that exits the process. */
import { createRequire } from "node:module";
import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { ExitCode } from "../src/cli/exit-codes.js";
import { initCommand } from "../src/cli/init-command.js";
import { invokeCommand } from "../src/cli/invoke-command.js";
import { runCommand } from "../src/cli/run-command.js";
import { validateCommand } from "../src/cli/validate-command.js";

const { version } = createRequire(import.meta.url)("../../package.json") as { version: string };

let exitCode: ExitCode = ExitCode.OK;
const onExit = (code: ExitCode): void => {
  exitCode = code;
};

try {
  await yargs(hideBin(process.argv))
    .scriptName("agentscope")
    .command(runCommand(onExit))
    .command(validateCommand(onExit))
    .command(initCommand(onExit))
    .command(invokeCommand(onExit))
    .demandCommand(1, "name a command: run, invoke, validate or init")
    .strict()
    .version(version)
    .help()
    .fail((message, error, cli) => {
      if (error) throw error;
      process.stderr.write(`${cli.help()}\n\nError: ${message}\n`);
      process.exit(ExitCode.CONFIG);
    })
    .parseAsync();
} catch (error) {
  process.stderr.write(`Error: ${error instanceof Error ? error.message : String(error)}\n`);
  exitCode = ExitCode.FAILURE;
}
process.exit(exitCode);
