import { expect } from "chai";
import { readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { AgentscopeProcess, startServer } from "../helpers/agentscope-process.js";
import { probeProject } from "../helpers/fixtures.js";
import { DONE, httpRequest, invoke, openStream, userMessage } from "../helpers/http-client.js";
import { tempProject, type TempProject } from "../helpers/temp-project.js";

/** A config whose scripted model answers `answer`, named `model` (the probe App reads it). */
function config(model: string, answer: string, extra = ""): string {
  return `models:
  main:
    provider: scripted
    model: ${model}
    chunk_chars: 100
    script:
      - text: "${answer}"
server:
  workers: 2
  admin_token: admin-secret
  drain_timeout: 30
${extra}`;
}

const ADMIN = { Authorization: "Bearer admin-secret" };
type Frame = { content: unknown; error?: { code: string } };

async function modelAnswer(url: string): Promise<string> {
  const { frames } = await invoke(url, { session_id: `q-${Math.random()}`, message: userMessage("?"), metadata: { mode: "model" } });
  return ((frames[0] as { content: Array<{ text: string }> }).content[0]!).text;
}

function adminReload(url: string) {
  return httpRequest(url, { path: "/admin/reload", method: "POST", headers: ADMIN });
}

describe("hot reload", function () {
  let project: TempProject;
  let proc: AgentscopeProcess;
  let url: string;

  beforeEach(async function () {
    project = await tempProject(await probeProject(config("v1", "answer one")));
    ({ url, proc } = await startServer(project.dir, { env: { MARKER_DIR: project.dir } }));
  });

  afterEach(async function () {
    await proc?.kill();
    await project?.remove();
  });

  it("swaps generations in the middle of 20 slow streams: every stream completes, new requests see the new config, the old runtime shuts down", async function () {
    const streams = Array.from({ length: 20 }, (_, i) =>
      openStream(url, { session_id: `s${i}`, message: userMessage("x"), metadata: { mode: "slow", count: 20, delay_ms: 25 } }),
    );
    for (const stream of streams) await stream.next();
    const oldShutdowns = (await readdir(project.dir)).filter((f) => f.startsWith("shutdown-v1-"));
    expect(oldShutdowns).to.be.empty;

    await project.write("agentapp.yaml", config("v2", "answer two"));
    const reload = await adminReload(url);
    expect(reload.status).to.equal(200);
    expect(JSON.parse(reload.text)).to.include({ ok: true, generation: 2, error: null });
    expect(await modelAnswer(url)).to.equal("answer two");

    for (const stream of streams) {
      const rest = (await stream.rest()) as Frame[];
      expect(rest).to.have.length(20); // 19 more ticks and the done frame
      expect(rest.filter((f) => f.error !== undefined)).to.be.empty;
      expect(rest.at(-1)).to.deep.equal(DONE);
    }
    // Both workers of generation 1 ran onShutdown() once their streams were done.
    const health = JSON.parse((await httpRequest(url, { path: "/health" })).text) as Record<string, unknown>;
    expect(health).to.include({ generation: 2, workers: 2 });
    await proc.waitForLog((line) => line.msg === "generation closed" && line["generation"] === 1);
    const markers = (await readdir(project.dir)).filter((f) => f.startsWith("shutdown-v1-") && !f.endsWith(".tmp"));
    expect(markers).to.have.length(2);
  });

  it("keeps serving the old config when the new file is invalid, and reports why", async function () {
    await project.write("agentapp.yaml", "models: [unclosed\n");
    const reload = await adminReload(url);
    expect(reload.status).to.equal(422);
    const body = JSON.parse(reload.text) as { ok: boolean; error: string; generation: number };
    expect(body.ok).to.equal(false);
    expect(body.generation).to.equal(1);
    expect(body.error).to.contain(path.join(project.dir, "agentapp.yaml"));
    expect(await modelAnswer(url)).to.equal("answer one");
    const health = JSON.parse((await httpRequest(url, { path: "/health" })).text) as { last_reload: { ok: boolean; error: string; at: string } };
    expect(health.last_reload.ok).to.equal(false);
    expect(health.last_reload.error).to.contain("agentapp.yaml");
    expect(health.last_reload.at).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it("keeps serving the old config when the new App's onStartup() throws", async function () {
    await project.write("agentapp.yaml", config("explode-on-startup", "never"));
    const reload = await adminReload(url);
    expect(reload.status).to.equal(422);
    expect(JSON.parse(reload.text).error).to.contain("onStartup refused this config");
    expect(await modelAnswer(url)).to.equal("answer one");
    const health = JSON.parse((await httpRequest(url, { path: "/health" })).text) as { generation: number; last_reload: { ok: boolean } };
    expect(health.generation).to.equal(1);
    expect(health.last_reload.ok).to.equal(false);
  });

  it("reloads when the config file changes, and on SIGHUP", async function () {
    await writeFile(path.join(project.dir, "agentapp.yaml"), config("v2", "answer two"));
    await proc.waitForLog((line) => line.msg.startsWith("reloaded") && line["trigger"] === "config file changed");
    expect(await modelAnswer(url)).to.equal("answer two");

    await project.write("agentapp.yaml", config("v3", "answer three"));
    proc.child.kill("SIGHUP");
    await proc.waitForLog((line) => line.msg.startsWith("reloaded") && line["generation"] === 3);
    expect(await modelAnswer(url)).to.equal("answer three");
  });

  it("refuses /admin/reload without the admin token", async function () {
    const refused = await httpRequest(url, { path: "/admin/reload", method: "POST" });
    expect(refused.status).to.equal(401);
    expect(JSON.parse(refused.text)).to.have.nested.property("error.code", "UNAUTHORIZED");
  });
});

describe("shutdown and CPU isolation", function () {
  let project: TempProject | undefined;
  let proc: AgentscopeProcess | undefined;

  afterEach(async function () {
    await proc?.kill();
    await project?.remove();
    proc = undefined;
    project = undefined;
  });

  it("SIGTERM lets a stream in flight finish, runs onShutdown() and exits 0", async function () {
    project = await tempProject(await probeProject(""));
    const started = await startServer(project.dir, { env: { MARKER_DIR: project.dir } });
    proc = started.proc;
    const stream = openStream(started.url, { session_id: "a", message: userMessage("x"), metadata: { mode: "slow", count: 15, delay_ms: 20 } });
    await stream.next();
    proc.child.kill("SIGTERM");
    const rest = (await stream.rest()) as Frame[];
    expect(rest).to.have.length(15);
    expect(rest.at(-1)).to.deep.equal(DONE);
    expect(await proc.exited).to.equal(0);
    const shutdowns = (await readdir(project.dir)).filter((f) => f.startsWith("shutdown-"));
    expect(shutdowns).to.have.length(1);
  });

  it("an App burning CPU in one worker delays neither /health nor streams on the other worker", async function () {
    project = await tempProject(await probeProject("server:\n  workers: 2\n"));
    const started = await startServer(project.dir);
    proc = started.proc;
    const ticker = openStream(started.url, { session_id: "t", message: userMessage("x"), metadata: { mode: "slow", count: 40, delay_ms: 20 } });
    await ticker.next();
    const spinner = openStream(started.url, { session_id: "s", message: userMessage("x"), metadata: { mode: "spin", ms: 1500 } });
    expect(((await spinner.next()) as { content: string }).content).to.equal("spinning");
    // While the spinner's worker is busy, count what else arrives before its "spun".
    let ticks = 0;
    let ticksWhenSpun = -1;
    let healthBeforeSpun = false;
    const spun = spinner.next().then((frame) => {
      ticksWhenSpun = ticks;
      return frame as { content: string };
    });
    const health = httpRequest(started.url, { path: "/health" }).then((result) => {
      healthBeforeSpun = ticksWhenSpun === -1;
      return result;
    });
    while (ticksWhenSpun === -1 && ticks < 39) {
      await ticker.next();
      ticks++;
    }
    expect((await spun).content).to.equal("spun");
    expect((await health).status).to.equal(200);
    expect(healthBeforeSpun).to.equal(true);
    expect(ticksWhenSpun).to.be.at.least(10);
    ticker.close();
  });
});
