import { expect } from "chai";
import { Redis } from "ioredis";
import { startServer, type AgentscopeProcess } from "../helpers/agentscope-process.js";
import { probeProject } from "../helpers/fixtures.js";
import { httpRequest, invoke, openStream, userMessage } from "../helpers/http-client.js";
import { startRedis, type RunningRedis } from "../helpers/redis-server.js";
import { tempProject, type TempProject } from "../helpers/temp-project.js";

type Frame = { content: string; metadata: { threadId: number; pid: number } };

/** Sends `n` counting requests for one session at once; returns each answer's count and who served it. */
async function countConcurrently(urls: readonly string[], sessionId: string, n: number) {
  const results = await Promise.all(
    Array.from({ length: n }, (_, i) => invoke(urls[i % urls.length]!, { session_id: sessionId, message: userMessage("+1"), metadata: { mode: "count" } })),
  );
  return results.map(({ status, frames }) => {
    expect(status).to.equal(200);
    const frame = frames[0] as Frame;
    return { count: Number(frame.content), threadId: frame.metadata.threadId, pid: frame.metadata.pid };
  });
}

function expectEveryCountOnce(counts: number[], n: number): void {
  expect([...counts].sort((a, b) => a - b)).to.deep.equal(Array.from({ length: n }, (_, i) => i + 1));
}

describe("sessions: one turn at a time, nothing lost", function () {
  const started: AgentscopeProcess[] = [];
  const projects: TempProject[] = [];
  let redis: RunningRedis;

  before(async function () {
    redis = await startRedis();
  });

  afterEach(async function () {
    await Promise.all(started.splice(0).map((proc) => proc.kill()));
    await Promise.all(projects.splice(0).map((project) => project.remove()));
  });

  after(async function () {
    await redis?.stop();
  });

  async function serve(config: string, project?: TempProject): Promise<{ url: string; project: TempProject }> {
    const dir = project ?? (await tempProject(await probeProject(config)));
    if (project === undefined) projects.push(dir);
    const { url, proc } = await startServer(dir.dir);
    started.push(proc);
    return { url, project: dir };
  }

  it("json: 50 concurrent requests on one session over 2 workers count to exactly 50", async function () {
    const { url } = await serve("server:\n  workers: 2\n");
    const served = await countConcurrently([url], "counter", 50);
    expectEveryCountOnce(served.map((s) => s.count), 50);
  });

  it("redis: the same over 2 workers", async function () {
    const { url } = await serve(`server:\n  workers: 2\nsession:\n  backend: redis\n  redis_url: ${redis.url}\n  key_prefix: "t1:"\n`);
    const served = await countConcurrently([url], "counter", 50);
    expectEveryCountOnce(served.map((s) => s.count), 50);
  });

  it("redis: the same across two agentscope instances sharing one Redis", async function () {
    const config = `server:\n  workers: 2\nsession:\n  backend: redis\n  redis_url: ${redis.url}\n  key_prefix: "t2:"\n`;
    const first = await serve(config);
    const second = await serve(config);
    const served = await countConcurrently([first.url, second.url], "shared", 50);
    expectEveryCountOnce(served.map((s) => s.count), 50);
    expect(new Set(served.map((s) => s.pid)).size).to.equal(2);
    const client = new Redis(redis.url);
    try {
      expect(JSON.parse((await client.get("t2:shared"))!)).to.deep.equal({ count: 50 });
    } finally {
      client.disconnect();
    }
  });

  it("json: state survives a restart of agentscope run", async function () {
    const { url, project } = await serve("");
    await countConcurrently([url], "durable", 3);
    await started.pop()!.stop();
    const again = await serve("", project);
    const [next] = await countConcurrently([again.url], "durable", 1);
    expect(next!.count).to.equal(4);
  });

  it("answers 409 SESSION_BUSY when the session's running turn outlasts session_wait_timeout", async function () {
    const { url } = await serve("server:\n  session_wait_timeout: 0.2\n");
    const holder = openStream(url, { session_id: "busy", message: userMessage("x"), metadata: { mode: "slow", count: 1000, delay_ms: 20 } });
    await holder.next();
    const refused = await httpRequest(url, { path: "/invoke", body: { session_id: "busy", message: userMessage("y") } });
    expect(refused.status).to.equal(409);
    expect(JSON.parse(refused.text)).to.have.nested.property("error.code", "SESSION_BUSY");
    // Another session is not held up.
    const other = await invoke(url, { session_id: "free", message: userMessage("z") });
    expect(other.status).to.equal(200);
    holder.close();
  });
});
