import { expect } from "chai";
import { readFile, rm, rmdir } from "node:fs/promises";
import path from "node:path";
import { JsonSessionStore } from "../../src/session/index.js";
import { REPO_ROOT, runCli, startServer } from "../helpers/agentscope-process.js";
import { fixtureApp, probeProject } from "../helpers/fixtures.js";
import { DONE, invoke, userMessage } from "../helpers/http-client.js";
import { tempProject } from "../helpers/temp-project.js";

const STACK_LINE = /^\s+at /m;

describe("agentscope CLI", function () {
  it("`run` with no arguments serves the quickstart: a tool call, its result, then the answer chunk by chunk", async function () {
    const sessionId = `quickstart-test-${process.pid}`;
    const sessionFile = new JsonSessionStore(path.join(REPO_ROOT, "sessions")).fileOf(sessionId);
    const { url, proc } = await startServer(undefined, { cwd: REPO_ROOT });
    try {
      const { status, frames } = await invoke(url, { session_id: sessionId, message: userMessage("What's the weather in Paris?") });
      expect(status).to.equal(200);
      type Frame = { id: string; role: string; content: Array<{ type: string; text?: string; name?: string; output?: string }> };
      const messages = frames.slice(0, -1) as Frame[];
      const kinds = messages.map((m) => m.content.map((b) => b.type).join("+"));
      const call = kinds.indexOf("tool_use");
      const result = kinds.indexOf("tool_result");
      expect(call).to.be.above(0);
      expect(result).to.equal(call + 1);
      expect(messages[call]!.content[0]).to.include({ name: "get_weather" });
      expect(messages[result]!.content[0]!.output).to.equal("It is sunny and 22 °C in Paris.");
      // The answer after the tool streams as growing chunks of one message.
      const answer = messages.slice(result + 1);
      expect(answer.length).to.be.above(3);
      expect(new Set(answer.map((m) => m.id)).size).to.equal(1);
      const texts = answer.map((m) => m.content.find((b) => b.type === "text")?.text ?? "");
      for (let i = 1; i < texts.length; i++) expect(texts[i]!.startsWith(texts[i - 1]!)).to.equal(true);
      expect(texts.at(-1)).to.contain("It is sunny and 22 °C in Paris today");
      expect(frames.at(-1)).to.deep.equal(DONE);
    } finally {
      await proc.kill();
      await rm(sessionFile, { force: true });
      await rmdir(path.dirname(sessionFile)).catch(() => {}); // only if the test left it empty
    }
  });

  it("exits 2 naming an unset ${VAR} and its key path, without a stack trace", async function () {
    const project = await tempProject(await probeProject("models:\n  main:\n    provider: scripted\n    api_key: ${AGENTSCOPE_TEST_UNSET_VAR}\n    script: [{ text: hi }]\n"));
    try {
      const env = { ...process.env };
      delete env["AGENTSCOPE_TEST_UNSET_VAR"];
      const { code, stderr } = await runCli(["run", project.dir, "--port", "0", "--host", "127.0.0.1"], { env });
      expect(code).to.equal(2);
      expect(stderr).to.contain("AGENTSCOPE_TEST_UNSET_VAR");
      expect(stderr).to.contain("models.main.api_key");
      expect(stderr).to.contain(path.join(project.dir, "agentapp.yaml"));
      expect(stderr).not.to.match(STACK_LINE);
    } finally {
      await project.remove();
    }
  });

  it("exits 2 listing every config problem as `<file>: <key path>: <problem>`", async function () {
    const project = await tempProject(await probeProject("models:\n  main:\n    provider: nope\nserver:\n  port: 99999\n"));
    try {
      const { code, stderr } = await runCli(["run", project.dir]);
      expect(code).to.equal(2);
      const file = path.join(project.dir, "agentapp.yaml");
      expect(stderr).to.contain(`${file}: models.main.provider:`);
      expect(stderr).to.contain(`${file}: server.port:`);
      expect(stderr).not.to.match(STACK_LINE);
    } finally {
      await project.remove();
    }
  });

  it("exits 1 naming an App whose onStartup() throws; the stack only with --log-level debug", async function () {
    const project = await tempProject({ "agentapp.yaml": "", "app.ts": await fixtureApp("startup-fails-app.ts") });
    try {
      const plain = await runCli(["run", project.dir, "--port", "0", "--host", "127.0.0.1"]);
      expect(plain.code).to.equal(1);
      expect(plain.stderr).to.contain("onStartup refused to start");
      expect(plain.stderr).not.to.match(STACK_LINE);
      const debug = await runCli(["run", project.dir, "--port", "0", "--host", "127.0.0.1", "--log-level", "debug"]);
      expect(debug.code).to.equal(1);
      expect(debug.stderr).to.match(STACK_LINE);
    } finally {
      await project.remove();
    }
  });

  it("exits 1 when the project has no app, naming the files it looked for", async function () {
    const project = await tempProject({ "agentapp.yaml": "" });
    try {
      const { code, stderr } = await runCli(["run", project.dir, "--port", "0", "--host", "127.0.0.1"]);
      expect(code).to.equal(1);
      expect(stderr).to.contain("app.ts, app.mts, app.js, app.mjs");
    } finally {
      await project.remove();
    }
  });

  it("`validate` accepts the quickstart and rejects a bad config without starting anything", async function () {
    const good = await runCli(["validate"], { cwd: REPO_ROOT });
    expect(good.code).to.equal(0);
    expect(good.stdout).to.contain("ok:");
    const project = await tempProject(await probeProject("server:\n  workers: 0\n"));
    try {
      const bad = await runCli(["validate", project.dir]);
      expect(bad.code).to.equal(2);
      expect(bad.stderr).to.contain("server.workers");
    } finally {
      await project.remove();
    }
  });

  it("prints --version from package.json and --help with the commands", async function () {
    const { version } = JSON.parse(await readFile(path.join(REPO_ROOT, "package.json"), "utf8")) as { version: string };
    const shown = await runCli(["--version"]);
    expect(shown.stdout.trim()).to.equal(version);
    const help = await runCli(["--help"]);
    expect(help.stdout).to.contain("run [project_path]").and.to.contain("validate [project_path]");
  });
});
