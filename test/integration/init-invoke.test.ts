import { expect } from "chai";
import { execFile } from "node:child_process";
import { mkdir, readFile, readdir, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { CLI, REPO_ROOT, runCli, startServer } from "../helpers/agentscope-process.js";
import { probeProject } from "../helpers/fixtures.js";
import { DONE, invoke, parseFrames, userMessage } from "../helpers/http-client.js";
import { tempProject, type TempProject } from "../helpers/temp-project.js";

const STACK_LINE = /^\s+at /m;
const SCAFFOLD_FILES = [".gitignore", "README.md", "agentapp.yaml", "app.ts", "check-turn.mjs"];

type Frame = { id?: string; role?: string; content?: Array<{ type: string; name?: string; output?: string; text?: string }>; error?: unknown };

describe("`agentscope init` and `agentscope invoke`", function () {
  let temp: TempProject;
  let project: string;
  let created: Awaited<ReturnType<typeof runCli>>;

  before(async function () {
    temp = await tempProject({});
    project = path.join(temp.dir, "my-agent");
    created = await runCli(["init", project]);
  });

  after(async function () {
    await temp?.remove();
  });

  it("`init` writes a project into a new folder and prints the next steps", async function () {
    expect(created.code, created.stderr).to.equal(0);
    expect((await readdir(project)).sort()).to.deep.equal(SCAFFOLD_FILES);
    expect(created.stdout).to.contain("Next steps:").and.to.contain("npx agentscope invoke .").and.to.contain("| node check-turn.mjs");
    expect(await readFile(path.join(project, ".gitignore"), "utf8")).to.contain("sessions/").and.to.contain("node_modules/");
    expect(await readFile(path.join(project, "README.md"), "utf8")).to.match(/^# my-agent\n/);
    const config = await readFile(path.join(project, "agentapp.yaml"), "utf8");
    expect(config).to.contain("provider: scripted").and.to.contain("backend: json");
    for (const provider of ["openai", "anthropic", "ollama"]) expect(config).to.match(new RegExp(`^#\\s+provider: ${provider}`, "m"));
    expect((await runCli(["validate", project])).code).to.equal(0);
  });

  it("`init` refuses a folder that is not empty unless --force", async function () {
    const other = await tempProject({ "notes.txt": "mine" });
    try {
      const refused = await runCli(["init", other.dir]);
      expect(refused.code).to.equal(2);
      expect(refused.stderr).to.contain(other.dir).and.to.contain("not empty").and.to.contain("--force");
      expect(await readdir(other.dir)).to.deep.equal(["notes.txt"]);
      const forced = await runCli(["init", other.dir, "--force"]);
      expect(forced.code, forced.stderr).to.equal(0);
      expect((await readdir(other.dir)).sort()).to.deep.equal([...SCAFFOLD_FILES, "notes.txt"].sort());
    } finally {
      await other.remove();
    }
  });

  it("`run` serves the new project: the agent calls its tool and answers", async function () {
    const { url, proc } = await startServer(project);
    try {
      const { status, frames } = await invoke(url, { session_id: "served", message: userMessage("What's the weather in Paris?") });
      expect(status).to.equal(200);
      const blocks = (frames.slice(0, -1) as Frame[]).flatMap((frame) => frame.content ?? []);
      expect(blocks.find((block) => block.type === "tool_use")).to.include({ name: "get_weather" });
      expect(blocks.find((block) => block.type === "tool_result")).to.include({ name: "get_weather", output: "It is sunny and 22 °C in Paris." });
      expect(frames.at(-1)).to.deep.equal(DONE);
    } finally {
      await proc.kill();
    }
  });

  it("`invoke` prints one turn for a person: text, tool call, tool result, answer; no log lines", async function () {
    const { code, stdout, stderr } = await runCli(["invoke", project, "What's the weather in Paris?"]);
    expect(code, stderr).to.equal(0);
    expect(stdout).to.equal(
      [
        "assistant: Let me look up the weather.",
        '→ tool(get_weather) {"city":"Paris"}',
        "← get_weather: It is sunny and 22 °C in Paris.",
        "assistant: It is sunny and 22 °C in Paris today. Edit app.ts to make this agent yours.",
        "",
      ].join("\n"),
    );
  });

  it("`invoke <message>` alone runs the project in the current folder", async function () {
    const { code, stdout, stderr } = await runCli(["invoke", "hello"], { cwd: project });
    expect(code, stderr).to.equal(0);
    expect(stdout).to.contain("← get_weather:");
  });

  it("`invoke --json` prints the frames /invoke would stream, ending with the done frame", async function () {
    const { code, stdout, stderr } = await runCli(["invoke", project, "What's the weather in Paris?", "--json", "--session", "json-test"]);
    expect(code, stderr).to.equal(0);
    const blocks = stdout.split("\n\n").slice(0, -1);
    for (const block of blocks) expect(block).to.match(/^data: \{/);
    const frames = parseFrames(stdout);
    expect(frames).to.have.length(blocks.length);
    expect(frames.at(-1)).to.deep.equal(DONE);
    const kinds = (frames.slice(0, -1) as Frame[]).map((frame) => frame.content!.map((block) => block.type).join("+"));
    expect(kinds.indexOf("tool_result")).to.equal(kinds.indexOf("tool_use") + 1);
    // Cumulative text chunks share one id, as over HTTP.
    const texts = (frames.slice(0, -1) as Frame[]).filter((frame) => frame.content![0]!.type === "text");
    expect(new Set(texts.map((frame) => frame.id)).size).to.equal(2);
    expect(texts.length).to.be.above(2);
  });

  it("the project's own test passes with the command its README gives, and fails when the turn changes", async function () {
    const readme = await readFile(path.join(project, "README.md"), "utf8");
    const command = /## Test\n\n```sh\n(.+)\n```/.exec(readme)?.[1];
    expect(command).to.contain("| node check-turn.mjs");
    // `npx agentscope` finds agentscope as `npm link` installs it: in the global prefix.
    const prefix = path.join(temp.dir, "npm-prefix");
    await mkdir(path.join(prefix, "bin"), { recursive: true });
    await mkdir(path.join(prefix, "lib/node_modules"), { recursive: true });
    await symlink(REPO_ROOT, path.join(prefix, "lib/node_modules/agentscope"));
    await symlink(CLI, path.join(prefix, "bin/agentscope"));
    const env = {
      ...process.env,
      PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env["PATH"] ?? ""}`,
      npm_config_prefix: prefix,
      npm_config_offline: "true",
    };
    const passed = await sh(command!, project, env);
    expect(passed.code, passed.stdout + passed.stderr).to.equal(0);
    expect(passed.stdout).to.match(/pass 3/);

    const configFile = path.join(project, "agentapp.yaml");
    const config = await readFile(configFile, "utf8");
    try {
      await writeFile(configFile, config.replace("input: { city: Paris }", "input: { city: Rome }"));
      const failed = await sh(command!, project, env);
      expect(failed.code).to.equal(1);
      expect(failed.stdout).to.match(/fail 1/);
    } finally {
      await writeFile(configFile, config);
    }
  });

  it("`invoke` exits 2 on a config error, naming the file and key, without a stack trace", async function () {
    const bad = await tempProject(await probeProject("models:\n  main:\n    provider: nope\n"));
    try {
      const { code, stdout, stderr } = await runCli(["invoke", bad.dir, "hi"]);
      expect(code).to.equal(2);
      expect(stderr).to.contain(`Error in ${path.join(bad.dir, "agentapp.yaml")}: models.main.provider:`);
      expect(stderr).not.to.match(STACK_LINE);
      expect(stdout).to.equal("");
    } finally {
      await bad.remove();
    }
  });

  it("`invoke` prints an App error as `Error: …` and exits 1; --json adds the APP_ERROR and done frames", async function () {
    const app = await tempProject(await probeProject("models:\n  main:\n    provider: scripted\n    script: [{ text: hi }]\n"));
    try {
      const plain = await runCli(["invoke", app.dir, "hi", "--metadata", '{"mode":"throw"}']);
      expect(plain.code).to.equal(1);
      expect(plain.stdout).to.equal("assistant: before the failure\n");
      expect(plain.stderr).to.equal("Error: the app failed on purpose\n");
      const json = await runCli(["invoke", app.dir, "hi", "--json", "--metadata", '{"mode":"throw"}']);
      expect(json.code).to.equal(1);
      expect(parseFrames(json.stdout).slice(1)).to.deep.equal([{ error: { code: "APP_ERROR", message: "the app failed on purpose" } }, DONE]);
      const badMetadata = await runCli(["invoke", app.dir, "hi", "--metadata", "[1]"]);
      expect(badMetadata.code).to.equal(2);
      expect(badMetadata.stderr).to.contain("--metadata: must be a JSON object");
    } finally {
      await app.remove();
    }
  });
});

/** Runs a shell command line to completion, whatever its exit code. */
function sh(command: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile("sh", ["-c", command], { cwd, env }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : 1, stdout, stderr });
    });
  });
}
