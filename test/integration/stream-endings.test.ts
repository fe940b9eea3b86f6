import { expect } from "chai";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { AgentscopeProcess, startServer } from "../helpers/agentscope-process.js";
import { fixtureApp, probeProject } from "../helpers/fixtures.js";
import { DONE, httpRequest, invoke, openStream, userMessage } from "../helpers/http-client.js";
import { tempProject, type TempProject } from "../helpers/temp-project.js";
import { waitForFile } from "../helpers/wait-for-file.js";

type Frame = { content?: string; metadata?: { threadId?: number }; error?: { code: string; message: string } };

describe("how streams end when things go wrong", function () {
  let project: TempProject | undefined;
  let proc: AgentscopeProcess | undefined;

  afterEach(async function () {
    await proc?.kill();
    await project?.remove();
    proc = undefined;
    project = undefined;
  });

  // Two ways a worker thread dies: an uncaught error outside the generator, and process.exit.
  for (const [mode, how] of [["crash", "throws an uncaught error"], ["exit", "calls process.exit"]] as const) {
    it(`a worker that ${how} fails only its own streams with WORKER_CRASHED, and is replaced`, async function () {
      project = await tempProject(await probeProject("server:\n  workers: 2\n"));
      const started = await startServer(project.dir);
      proc = started.proc;
      const survivor = openStream(started.url, { session_id: "a", message: userMessage("x"), metadata: { mode: "slow", count: 30, delay_ms: 20 } });
      const survivorThread = ((await survivor.next()) as Frame).metadata!.threadId;

      const crashed = await invoke(started.url, { session_id: "b", message: userMessage("x"), metadata: { mode } });
      const frames = crashed.frames as Frame[];
      expect(frames[0]!.metadata!.threadId).not.to.equal(survivorThread);
      expect(frames[1]!.error!.code).to.equal("WORKER_CRASHED");
      expect(frames[2]).to.deep.equal(DONE);

      const rest = (await survivor.rest()) as Frame[];
      expect(rest).to.have.length(30);
      expect(rest.filter((f) => f.error !== undefined)).to.be.empty;
      expect(rest.at(-1)).to.deep.equal(DONE);

      // The replacement worker serves.
      await proc.waitForLog((line) => line.msg === "replacement worker ready");
      const after = await invoke(started.url, { session_id: "c", message: userMessage("x"), metadata: { mode: "echo" } });
      expect(after.frames).to.have.length(4);
    });
  }

  it("a request past server.request_timeout gets TIMEOUT, then done, and the App's generator is closed", async function () {
    project = await tempProject(await probeProject("server:\n  request_timeout: 0.3\n"));
    const started = await startServer(project.dir);
    proc = started.proc;
    const marker = path.join(project.dir, "timeout-marker.json");
    const markerWritten = waitForFile(marker);
    const { frames } = await invoke(started.url, {
      session_id: "t",
      message: userMessage("x"),
      metadata: { mode: "slow", count: 1000, delay_ms: 20, marker },
    });
    const last = frames.slice(-2) as Frame[];
    expect(last[0]!.error!.code).to.equal("TIMEOUT");
    expect(last[1]).to.deep.equal(DONE);
    await markerWritten;
    expect(JSON.parse(await readFile(marker, "utf8"))).to.include({ aborted: true });
  });

  it("answers 503 OVERLOADED with Retry-After when every slot and the queue are full", async function () {
    project = await tempProject(await probeProject("server:\n  workers: 1\n  tasks_per_worker: 1\n  max_queue: 0\n"));
    const started = await startServer(project.dir);
    proc = started.proc;
    const busy = openStream(started.url, { session_id: "busy", message: userMessage("x"), metadata: { mode: "slow", count: 1000, delay_ms: 20 } });
    await busy.next();
    const refused = await httpRequest(started.url, { path: "/invoke", body: { session_id: "other", message: userMessage("x") } });
    expect(refused.status).to.equal(503);
    expect(refused.headers["retry-after"]).to.equal("1");
    expect(JSON.parse(refused.text)).to.have.nested.property("error.code", "OVERLOADED");
    busy.close();
  });

  it("answers 503 NOT_READY and /ready 503 until every worker has run onStartup()", async function () {
    project = await tempProject({ "agentapp.yaml": "", "app.ts": await fixtureApp("gated-startup-app.ts") });
    const gate = path.join(project.dir, "gate");
    proc = new AgentscopeProcess(["run", project.dir, "--host", "127.0.0.1", "--port", "0", "--workers", "2"], {
      env: { GATE_FILE: gate },
    });
    const listening = await proc.waitForLog((line) => line.msg === "listening; starting workers");
    const url = listening["url"] as string;

    const notReady = await httpRequest(url, { path: "/ready" });
    expect(notReady.status).to.equal(503);
    const early = await httpRequest(url, { path: "/invoke", body: { session_id: "s", message: userMessage("x") } });
    expect(early.status).to.equal(503);
    expect(JSON.parse(early.text)).to.have.nested.property("error.code", "NOT_READY");
    const health = JSON.parse((await httpRequest(url, { path: "/health" })).text) as Record<string, unknown>;
    expect(health).to.include({ status: "healthy", generation: null, workers: 0 });

    await writeFile(gate, "open");
    await proc.waitForLog((line) => line.msg === "ready");
    expect((await httpRequest(url, { path: "/ready" })).status).to.equal(200);
    const served = await invoke(url, { session_id: "s", message: userMessage("now") });
    expect(served.frames[0]).to.include({ content: "started: now" });
  });
});
