import { mkdir, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { CommandModule } from "yargs";
import { ExitCode } from "./exit-codes.js";
import { TEST_COMMAND, scaffoldFiles } from "./templates/index.js";

interface InitArgs {
  dir: string;
  force: boolean;
}

/** `agentscope init`: writes a project that runs at once, offline, and its test. */
export function initCommand(onExit: (code: ExitCode) => void): CommandModule<object, InitArgs> {
  return {
    command: "init [dir]",
    describe: "create a project that runs at once, offline, with its test",
    builder: (yargs) =>
      yargs
        .positional("dir", { type: "string", default: ".", describe: "the folder to create (or fill) with the project" })
        .option("force", { type: "boolean", default: false, describe: "write into a folder that is not empty, replacing files of the same name" }) as never,
    handler: async (args) => onExit(await init(args)),
  };
}

async function init(args: InitArgs): Promise<ExitCode> {
  const dir = path.resolve(args.dir);
  const entries = await listFolder(dir);
  if (entries === "not a folder") {
    process.stderr.write(`Error: ${dir} is not a folder\n`);
    return ExitCode.CONFIG;
  }
  if (entries.length > 0 && !args.force) {
    process.stderr.write(`Error: ${dir} is not empty; pass --force to write the project into it (files of the same name are replaced)\n`);
    return ExitCode.CONFIG;
  }
  await mkdir(dir, { recursive: true });
  const files = scaffoldFiles(path.basename(dir));
  for (const file of files) await writeFile(path.join(dir, file.path), file.text);
  process.stdout.write(nextSteps(dir, files));
  return ExitCode.OK;
}

/** The folder's entries; none when it does not exist yet. */
async function listFolder(dir: string): Promise<string[] | "not a folder"> {
  try {
    return await readdir(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return [];
    if (code === "ENOTDIR") return "not a folder";
    throw error;
  }
}

function nextSteps(dir: string, files: ReturnType<typeof scaffoldFiles>): string {
  const shown = path.relative(process.cwd(), dir) || ".";
  const width = Math.max(...files.map((file) => file.path.length));
  const lines = [
    `Created a project in ${shown}:`,
    ...files.map((file) => `  ${file.path.padEnd(width)}  ${file.about}`),
    "",
    "Next steps:",
    ...(shown === "." ? [] : [`  cd ${shown.includes(" ") ? JSON.stringify(shown) : shown}`]),
    `  npx agentscope invoke . "What's the weather in Paris?"   # one turn, in this terminal`,
    `  npx agentscope run .                                     # serve POST /invoke on port 8080`,
    `  ${TEST_COMMAND}   # the test`,
    "",
    "The model is scripted: it needs no key and replays its script whatever you ask.",
    "README.md says how to swap in a real one.",
  ];
  return `${lines.join("\n")}\n`;
}
