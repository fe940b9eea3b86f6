import { expect } from "chai";
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { pino } from "pino";
import type { PlatformConfig } from "../../src/config/index.js";
import type { Logger } from "../../src/logging/logger.js";
import { PlatformClient, type PlatformClientOptions, type PlatformMetrics } from "../../src/supervisor/platform-client.js";
import { AgentscopeProcess, startServer } from "../helpers/agentscope-process.js";
import { probeProject } from "../helpers/fixtures.js";
import { DONE, httpRequest, invoke, openStream, userMessage } from "../helpers/http-client.js";
import { tempProject, type TempProject } from "../helpers/temp-project.js";

interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** How the fake platform answers one request: a status and body, or never. */
type Reply = { status?: number; body: string } | "hang";

const NOTHING_TO_DO = JSON.stringify({ updated: false, action: "none" });

/**
 * A management platform on 127.0.0.1: records every request and answers
 * the scripted replies in order, then the defaults (heartbeat 200, config
 * "none").
 */
class FakePlatform {
  readonly received: Received[] = [];
  readonly heartbeatReplies: Reply[] = [];
  readonly configReplies: Reply[] = [];
  /** Hanging requests whose client went away. */
  abandoned = 0;
  readonly #server: Server;
  readonly #hanging = new Set<ServerResponse>();
  readonly #waiters = new Set<() => void>();

  private constructor() {
    this.#server = createServer((req, res) => {
      let body = "";
      req.setEncoding("utf8");
      req.on("data", (chunk: string) => (body += chunk));
      req.on("end", () => {
        this.received.push({ method: req.method ?? "", path: req.url ?? "", headers: req.headers, body });
        const reply = (req.url?.endsWith("/heartbeat") ? this.heartbeatReplies : this.configReplies).shift();
        if (reply === "hang") {
          this.#hanging.add(res);
          res.on("close", () => {
            this.#hanging.delete(res);
            this.abandoned++;
            this.#wake();
          });
        } else {
          const { status = 200, body: text = req.url?.endsWith("/heartbeat") ? '{"ok":true}' : NOTHING_TO_DO } = reply ?? {};
          res.writeHead(status, { "Content-Type": "application/json" }).end(text);
        }
        this.#wake();
      });
    });
  }

  static async start(port = 0): Promise<FakePlatform> {
    const platform = new FakePlatform();
    await new Promise<void>((resolve, reject) => {
      platform.#server.once("error", reject);
      platform.#server.listen(port, "127.0.0.1", resolve);
    });
    return platform;
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Resolves once `ready()` holds, checking after every request and every abandoned one. */
  until(ready: () => boolean): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise((resolve) => {
      const check = (): void => {
        if (!ready()) return;
        this.#waiters.delete(check);
        resolve();
      };
      this.#waiters.add(check);
    });
  }

  /** The first request from index `from` on that passes `test`. */
  async next(test: (request: Received) => boolean, from = this.received.length): Promise<Received> {
    let found: Received | undefined;
    await this.until(() => (found = this.received.slice(from).find(test)) !== undefined);
    return found!;
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    await closed;
  }

  #wake(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }
}

const isHeartbeat = (request: Received): boolean => request.path.endsWith("/heartbeat");

interface LogLine {
  level: string;
  msg: string;
  [key: string]: unknown;
}

/** A debug-level pino logger whose lines a test can read and wait for. */
class LogCapture {
  readonly lines: LogLine[] = [];
  readonly raw: string[] = [];
  readonly log: Logger;
  readonly #waiters = new Set<() => void>();

  constructor() {
    const stream = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        for (const text of chunk.toString("utf8").split("\n")) {
          if (text === "") continue;
          this.raw.push(text);
          this.lines.push(JSON.parse(text) as LogLine);
        }
        for (const waiter of [...this.#waiters]) waiter();
        done();
      },
    });
    this.log = pino({ level: "debug", formatters: { level: (label) => ({ level: label }) } }, stream);
  }

  count(test: (line: LogLine) => boolean): number {
    return this.lines.filter(test).length;
  }

  /** Resolves once `count` lines pass `test`; returns them. */
  async waitFor(test: (line: LogLine) => boolean, count = 1): Promise<LogLine[]> {
    if (this.count(test) < count) {
      await new Promise<void>((resolve) => {
        const check = (): void => {
          if (this.count(test) < count) return;
          this.#waiters.delete(check);
          resolve();
        };
        this.#waiters.add(check);
      });
    }
    return this.lines.filter(test).slice(0, count);
  }
}

const isWarning = (line: LogLine): boolean => line.level === "warn";
const isFailure = (line: LogLine): boolean => line.msg.startsWith("platform unreachable") || line.msg === "platform still unreachable";
const isRecovery = (line: LogLine): boolean => line.msg === "platform reachable again";

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const platform = await FakePlatform.start();
  const { port } = platform;
  await platform.close();
  return port;
}

describe("platform client", function () {
  const clients: PlatformClient[] = [];
  const platforms: FakePlatform[] = [];
  let logs: LogCapture;

  beforeEach(function () {
    logs = new LogCapture();
  });

  afterEach(async function () {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await Promise.all(platforms.splice(0).map((platform) => platform.close()));
  });

  async function platform(port?: number): Promise<FakePlatform> {
    const started = await FakePlatform.start(port);
    platforms.push(started);
    return started;
  }

  type ClientOverrides = Partial<Omit<PlatformClientOptions, "config">> & { config?: Partial<PlatformConfig> };

  /** A started client with a 50 ms interval and a tiny backoff. */
  function client(endpoint: string, overrides: ClientOverrides = {}): PlatformClient {
    const { config, ...rest } = overrides;
    const started = new PlatformClient({
      config: { endpoint, instance_id: "inst-1", heartbeat_interval: 0.05, ...config },
      log: logs.log,
      metrics: () => ({ active_sessions: 0, total_requests: 0, memory_usage_mb: 0 }),
      reload: async () => ({ ok: true }),
      backoff: { initialMs: 10, maxMs: 80 },
      ...rest,
    });
    clients.push(started);
    started.start();
    return started;
  }

  describe("enabled()", function () {
    it("needs endpoint and instance_id, and no --no-platform", function () {
      const full = { endpoint: "http://p", instance_id: "i", heartbeat_interval: 30 };
      expect(PlatformClient.enabled(full, false)).to.equal(true);
      expect(PlatformClient.enabled(full, true)).to.equal(false);
      expect(PlatformClient.enabled({ endpoint: "http://p", heartbeat_interval: 30 }, false)).to.equal(false);
      expect(PlatformClient.enabled({ instance_id: "i", heartbeat_interval: 30 }, false)).to.equal(false);
    });
  });

  describe("each round", function () {
    it("posts the heartbeat, then gets the config, with the bearer token, the encoded id and the metrics of the moment", async function () {
      const server = await platform();
      let round = 0;
      const metrics = (): PlatformMetrics => {
        round++;
        return { active_sessions: round, total_requests: 10 * round, memory_usage_mb: 99.6 };
      };
      client(`${server.url}/api/`, { config: { instance_id: "team a/inst 1", token: "platform-secret" }, metrics });
      await server.until(() => server.received.length >= 6);

      const [first, second, third, fourth] = server.received;
      expect(server.received.slice(0, 6).map((r) => `${r.method} ${r.path}`)).to.deep.equal([
        "POST /api/instances/team%20a%2Finst%201/heartbeat",
        "GET /api/instances/team%20a%2Finst%201/config",
        "POST /api/instances/team%20a%2Finst%201/heartbeat",
        "GET /api/instances/team%20a%2Finst%201/config",
        "POST /api/instances/team%20a%2Finst%201/heartbeat",
        "GET /api/instances/team%20a%2Finst%201/config",
      ]);
      for (const request of server.received) expect(request.headers.authorization).to.equal("Bearer platform-secret");
      expect(first!.headers["content-type"]).to.equal("application/json");
      expect(second!.body).to.equal("");

      const beat = JSON.parse(first!.body) as { timestamp: string };
      expect(Object.keys(beat)).to.deep.equal(["status", "timestamp", "metrics"]);
      expect(beat).to.deep.include({ status: "running", metrics: { active_sessions: 1, total_requests: 10, memory_usage_mb: 100 } });
      expect(beat.timestamp).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(new Date(beat.timestamp).toISOString()).to.equal(beat.timestamp);
      expect(JSON.parse(third!.body)).to.have.deep.property("metrics", { active_sessions: 2, total_requests: 20, memory_usage_mb: 100 });
      expect(fourth!.method).to.equal("GET");
      expect(logs.count(isWarning)).to.equal(0);
      expect(logs.raw.join("\n")).not.to.contain("platform-secret");
    });

    it("sends no Authorization header without a token, and takes an endpoint without a trailing slash", async function () {
      const server = await platform();
      client(`${server.url}/api`);
      await server.until(() => server.received.length >= 2);
      expect(server.received[0]!.path).to.equal("/api/instances/inst-1/heartbeat");
      for (const request of server.received) expect(request.headers).not.to.have.property("authorization");
    });

    it("keeps going round after round at the heartbeat interval", async function () {
      const server = await platform();
      client(server.url);
      await server.until(() => server.received.length >= 20);
      expect(server.received.slice(0, 20).map((r) => r.method).join(" ")).to.equal(Array(10).fill("POST GET").join(" "));
    });
  });

  describe("the config answer", function () {
    /** Runs rounds until the scripted answers are used up and one more round asked; returns the reload calls. */
    async function reloadsFor(answers: unknown[]): Promise<Array<[string, unknown]>> {
      const server = await platform();
      server.configReplies.push(...answers.map((answer) => ({ body: JSON.stringify(answer) })));
      const calls: Array<[string, unknown]> = [];
      client(server.url, { reload: async (trigger, raw) => calls.push([trigger, raw]) });
      await server.until(() => server.received.filter((r) => !isHeartbeat(r)).length > answers.length);
      return calls;
    }

    it("restart and reload both hot-reload, with the config object when the answer carries one", async function () {
      const config = { models: { main: { provider: "scripted", model: "v2" } } };
      const calls = await reloadsFor([
        { updated: true, action: "restart" },
        { updated: true, action: "reload", config },
        { updated: true, action: "reload", config: null },
      ]);
      expect(calls).to.deep.equal([
        ["platform restart", undefined],
        ["platform reload", config],
        ["platform reload", undefined],
      ]);
    });

    it("the action alone decides: updated without an action does nothing, an action without updated reloads", async function () {
      const calls = await reloadsFor([
        { updated: true, action: "none", config: { models: {} } },
        { updated: false, action: "restart" },
      ]);
      expect(calls).to.deep.equal([["platform restart", undefined]]);
    });

    it("a reload that fails is logged, is no platform outage, and the rounds go on", async function () {
      const server = await platform();
      server.configReplies.push({ body: JSON.stringify({ updated: true, action: "reload" }) });
      client(server.url, {
        reload: async () => {
          throw new Error("the new config is broken");
        },
      });
      const [failed] = await logs.waitFor((line) => line.msg === "the reload the platform asked for failed");
      expect(failed).to.include({ level: "error", err: "the new config is broken" });
      await server.until(() => server.received.length >= 4);
      expect(logs.count(isWarning)).to.equal(0);
    });
  });

  describe("a platform that fails", function () {
    it("down (connection refused): one warning, backoff, then an info line when it is back", async function () {
      const port = await closedPort();
      client(`http://127.0.0.1:${port}`);
      const [warning] = await logs.waitFor(isFailure, 4);
      expect(warning).to.include({ level: "warn", attempt: 1 });
      expect(warning!["err"]).to.match(/^POST heartbeat: fetch failed: connect ECONNREFUSED/);

      const server = await platform(port);
      await logs.waitFor(isRecovery);
      await server.until(() => server.received.length >= 4);
      expect(logs.count(isWarning)).to.equal(1);
      expect(logs.count(isRecovery)).to.equal(1);
      expect(logs.count((line) => line.msg === "platform still unreachable")).to.be.at.least(3);
    });

    it("slow (no answer): the per-request timeout fires and the loop keeps trying", async function () {
      const server = await platform();
      server.heartbeatReplies.push("hang", "hang", "hang");
      client(server.url, { timeoutMs: 100 });
      const failures = await logs.waitFor(isFailure, 3);
      for (const failure of failures) expect(failure["err"]).to.equal("POST heartbeat: no answer within 100 ms");
      await logs.waitFor(isRecovery);
      await server.until(() => server.abandoned === 3);
      expect(logs.count(isWarning)).to.equal(1);
    });

    it("garbage (non-2xx, not JSON, wrong shape): one warning per outage, each cause at debug", async function () {
      const server = await platform();
      server.heartbeatReplies.push({ status: 503, body: "busy" });
      server.configReplies.push(
        { body: "<html>oops</html>" },
        { body: JSON.stringify({ updated: "yes", action: "explode" }) },
        { body: JSON.stringify({ action: "reload", config: [1] }) },
        { status: 404, body: "{}" },
        // Answered well, then a second outage.
        { body: NOTHING_TO_DO },
        { status: 500, body: "{}" },
      );
      let reloads = 0;
      client(server.url, { reload: async () => reloads++ });
      await logs.waitFor(isRecovery, 2);
      expect(logs.lines.filter(isFailure).map((line) => [line.level, line["err"]])).to.deep.equal([
        ["warn", "POST heartbeat: HTTP 503"],
        ["debug", "GET config: the answer is not JSON"],
        ["debug", "GET config: unexpected answer: updated: must be true or false; action: must be one of restart, reload, none"],
        ["debug", "GET config: unexpected answer: updated: required; config: must be a mapping"],
        ["debug", "GET config: HTTP 404"],
        ["warn", "GET config: HTTP 500"],
      ]);
      expect(logs.count(isWarning)).to.equal(2);
      expect(reloads).to.equal(0);
    });

    it("backs off exponentially, with jitter, up to the cap", async function () {
      client(`http://127.0.0.1:${await closedPort()}`, { backoff: { initialMs: 20, maxMs: 160 } });
      const failures = await logs.waitFor(isFailure, 7);
      const delays = failures.map((line) => line["retryInMs"] as number);
      // The n-th delay lies in [b/2, b], b = min(160, 20 * 2^(n-1)): 20, 40, 80, 160, 160, ...
      delays.forEach((delayMs, i) => {
        const base = Math.min(160, 20 * 2 ** i);
        expect(delayMs, `delay ${i + 1} of ${delays.join(", ")}`).to.be.within(base / 2, base);
      });
      expect(delays[3]!).to.be.greaterThan(delays[0]!);
      expect(failures.map((line) => line["attempt"])).to.deep.equal([1, 2, 3, 4, 5, 6, 7]);
    });

    it("never logs the token, even when the request cannot be built with it", async function () {
      const server = await platform();
      const token = "tok\nen-secret";
      client(server.url, { config: { token } });
      const [warning] = await logs.waitFor(isFailure, 2);
      expect(warning!["err"]).to.contain("Bearer ***");
      expect(logs.raw.join("\n")).not.to.contain("en-secret");
      expect(server.received).to.be.empty;
    });
  });

  describe("close()", function () {
    it("aborts the request in flight, ends the loop without a warning, and is idempotent", async function () {
      const server = await platform();
      server.heartbeatReplies.push("hang");
      const running = client(server.url, { timeoutMs: 60_000 });
      await server.until(() => server.received.length === 1);
      await running.close();
      await server.until(() => server.abandoned === 1);
      await running.close();
      expect(server.received).to.have.length(1);
      expect(logs.count(isWarning)).to.equal(0);
      running.start();
      expect(server.received).to.have.length(1);
    });

    it("does not wait for a reload in flight, even one that closes the client itself", async function () {
      const server = await platform();
      server.configReplies.push({ body: JSON.stringify({ updated: true, action: "reload" }) });
      let reloading!: (closed: Promise<void>) => void;
      const closedFromReload = new Promise<Promise<void>>((resolve) => (reloading = resolve));
      const running: PlatformClient = client(server.url, {
        reload: () => {
          reloading(running.close());
          return new Promise<never>(() => {});
        },
      });
      await (await closedFromReload);
      await running.close();
      expect(server.received).to.have.length(2);
    });

    it("before start() resolves at once, and start() afterwards does nothing", async function () {
      const server = await platform();
      const idle = new PlatformClient({
        config: { endpoint: server.url, instance_id: "i", heartbeat_interval: 0.05 },
        log: logs.log,
        metrics: () => ({ active_sessions: 0, total_requests: 0, memory_usage_mb: 0 }),
        reload: async () => undefined,
      });
      await idle.close();
      idle.start();
      await idle.close();
      expect(server.received).to.be.empty;
    });
  });
});

/** Scripted model `model` answers `answer`; the platform section points at `endpoint`. */
function projectConfig(endpoint: string, model: string, answer: string): string {
  return `models:
  main:
    provider: scripted
    model: ${model}
    chunk_chars: 100
    script:
      - text: "${answer}"
platform:
  endpoint: ${endpoint}
  instance_id: "pod/7"
  heartbeat_interval: 0.1
  token: \${PLATFORM_TOKEN}
server:
  drain_timeout: 30
`;
}

const TOKEN = "platform-e2e-secret";

async function modelAnswer(url: string): Promise<string> {
  const { frames } = await invoke(url, { session_id: `q-${Math.random()}`, message: userMessage("?"), metadata: { mode: "model" } });
  return (frames[0] as { content: Array<{ text: string }> }).content[0]!.text;
}

async function workerPid(url: string): Promise<number> {
  const { frames } = await invoke(url, { session_id: `p-${Math.random()}`, message: userMessage("+1"), metadata: { mode: "count" } });
  return (frames[0] as { metadata: { pid: number } }).metadata.pid;
}

type Beat = { metrics: PlatformMetrics };
type Frame = { content: unknown; error?: { code: string } };

describe("platform through agentscope run", function () {
  let server: FakePlatform;
  let project: TempProject;
  let proc: AgentscopeProcess;
  let url: string;

  beforeEach(async function () {
    server = await FakePlatform.start();
    project = await tempProject(await probeProject(projectConfig(`${server.url}/api`, "v1", "answer one")));
    proc = new AgentscopeProcess(["run", project.dir, "--host", "127.0.0.1", "--port", "0"], { env: { PLATFORM_TOKEN: TOKEN } });
    url = (await proc.waitForLog((line) => line.msg === "ready"))["url"] as string;
    await server.next(isHeartbeat, 0);
  });

  afterEach(async function () {
    await proc?.kill();
    await server?.close();
    await project?.remove();
  });

  it("reports heartbeats with live metrics, and restart reloads in place: same process, a stream in flight completes", async function () {
    const first = server.received[0]!;
    expect(first.path).to.equal("/api/instances/pod%2F7/heartbeat");
    expect(first.headers.authorization).to.equal(`Bearer ${TOKEN}`);
    const pid = await workerPid(url);
    expect(pid).to.equal(proc.child.pid);

    const stream = openStream(url, { session_id: "slow", message: userMessage("x"), metadata: { mode: "slow", count: 100, delay_ms: 30 } });
    await stream.next();
    const during = JSON.parse((await server.next(isHeartbeat)).body) as Beat;
    expect(during.metrics.active_sessions).to.equal(1);
    expect(during.metrics.total_requests).to.be.at.least(1);
    expect(during.metrics.memory_usage_mb).to.be.a("number").and.to.be.greaterThan(10);

    server.configReplies.push({ body: JSON.stringify({ updated: true, action: "restart" }) });
    const reloaded = await proc.waitForLog((line) => line.msg.startsWith("reloaded") && line["trigger"] === "platform restart");
    expect(reloaded["generation"]).to.equal(2);
    const afterSwap = await stream.next();
    expect(afterSwap).to.not.equal(undefined);
    expect(afterSwap).to.not.deep.equal(DONE); // still ticking after the swap
    const rest = (await stream.rest()) as Frame[];
    expect(rest.filter((frame) => frame.error !== undefined)).to.be.empty;
    expect(rest.at(-1)).to.deep.equal(DONE);

    expect(await workerPid(url)).to.equal(pid);
    expect(proc.child.exitCode).to.equal(null);
    const health = JSON.parse((await httpRequest(url, { path: "/health" })).text) as { generation: number; instance_id: string };
    expect(health).to.include({ generation: 2, instance_id: "pod/7" });
    const after = JSON.parse((await server.next(isHeartbeat)).body) as Beat;
    expect(after.metrics.active_sessions).to.equal(0);
    expect(after.metrics.total_requests).to.be.at.least(3);
    expect(proc.stdout + proc.stderr).not.to.contain(TOKEN);
  });

  it("applies a config object the platform sends", async function () {
    expect(await modelAnswer(url)).to.equal("answer one");
    const config = {
      models: { main: { provider: "scripted", model: "v2", chunk_chars: 100, script: [{ text: "answer two" }] } },
      platform: { endpoint: `${server.url}/api`, instance_id: "pod/7", heartbeat_interval: 0.1, token: "${PLATFORM_TOKEN}" },
    };
    server.configReplies.push({ body: JSON.stringify({ updated: true, action: "reload", config }) });
    await proc.waitForLog((line) => line.msg.startsWith("reloaded") && line["trigger"] === "platform reload");
    expect(await modelAnswer(url)).to.equal("answer two");
    expect(proc.stdout + proc.stderr).not.to.contain(TOKEN);
  });

  it("refuses an invalid config object and keeps the old one serving", async function () {
    const config = { models: { main: { provider: "no-such-provider", model: "v2" } } };
    server.configReplies.push({ body: JSON.stringify({ updated: true, action: "reload", config }) });
    const failed = await proc.waitForLog((line) => line.msg.startsWith("reload failed") && line["trigger"] === "platform reload");
    expect(failed["error"]).to.contain("platform config: models.main.provider");
    expect(await modelAnswer(url)).to.equal("answer one");
    const health = JSON.parse((await httpRequest(url, { path: "/health" })).text) as { generation: number; last_reload: { ok: boolean } };
    expect(health.generation).to.equal(1);
    expect(health.last_reload.ok).to.equal(false);
    // The rounds go on after the refusal.
    const refusedAt = server.received.length;
    await server.next(isHeartbeat, refusedAt);
  });
});

describe("platform with --no-platform", function () {
  let server: FakePlatform | undefined;
  const projects: TempProject[] = [];
  const procs: AgentscopeProcess[] = [];

  afterEach(async function () {
    await Promise.all(procs.splice(0).map((proc) => proc.kill()));
    await server?.close();
    await Promise.all(projects.splice(0).map((project) => project.remove()));
  });

  it("sends nothing, while an instance without the flag reports to the same platform", async function () {
    server = await FakePlatform.start();
    const quiet = await tempProject(await probeProject(projectConfig(server.url, "v1", "a").replace('"pod/7"', "quiet")));
    const loud = await tempProject(await probeProject(projectConfig(server.url, "v1", "a").replace('"pod/7"', "loud")));
    projects.push(quiet, loud);
    // startServer passes --no-platform.
    procs.push((await startServer(quiet.dir, { env: { PLATFORM_TOKEN: TOKEN } })).proc);
    const reporting = new AgentscopeProcess(["run", loud.dir, "--host", "127.0.0.1", "--port", "0"], { env: { PLATFORM_TOKEN: TOKEN } });
    procs.push(reporting);
    await reporting.waitForLog((line) => line.msg === "ready");
    // The quiet instance was serving before the loud one started: three rounds of the loud one are time enough.
    await server.until(() => server!.received.filter(isHeartbeat).length >= 3);
    expect(server.received.every((request) => request.path.startsWith("/instances/loud/"))).to.equal(true);
  });
});
