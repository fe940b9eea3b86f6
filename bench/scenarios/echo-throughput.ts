/**
 * /invoke throughput and latency of the probe App's echo mode (three short
 * messages) with 1 and 2 workers, next to the bare node:http handler writing
 * the same frames; wrk, alternating rounds, medians.
 */
import { rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { invoke } from "../../test/helpers/http-client.js";
import { mainThreadCpuSeconds, treeCpuSeconds } from "../lib/process-tree.js";
import type { Scenario, ScenarioResult, TargetCheck } from "../lib/scenario.js";
import { startBareProcess, startProbeServer, type RunningServer } from "../lib/servers.js";
import { median, round } from "../lib/stats.js";
import { runWrk, wrkArgs, type WrkResult } from "../lib/wrk.js";

const ROUNDS = 3;
const SECONDS = 4;
const WARMUP_SECONDS = 1;
const THREADS = 1;
const CONNECTIONS = 32;
const MIN_RPS_RATIO = 0.5;
const MAX_P99_OVER_BARE_MS = 2;

/** Every request its own session, as distinct users would be: one session's turns run one at a time. */
const LUA = `wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, nil, nil, '{"session_id":"echo-' .. n .. '","message":{"name":"user","role":"user","content":"hi"},"metadata":{"mode":"echo"}}')
end
`;

/** The stream with what differs on every request (ids, timestamps) blanked out. */
function comparable(text: string): string {
  return text.replace(/"id":"[0-9a-f]{32}"/g, '"id":"…"').replace(/"timestamp":"[^"]*"/g, '"timestamp":"…"');
}

async function sameFrames(bare: string, runtime: string): Promise<boolean> {
  const body = { session_id: "frames-check", message: { name: "user", role: "user", content: "hi" }, metadata: { mode: "echo" } };
  const [a, b] = await Promise.all([invoke(bare, body), invoke(runtime, body)]);
  return a.status === 200 && b.status === 200 && comparable(a.text) === comparable(b.text);
}

async function run(signal: AbortSignal): Promise<ScenarioResult> {
  const script = path.join(os.tmpdir(), `agentscope-bench-echo-${process.pid}.lua`);
  await writeFile(script, LUA);
  const servers: Array<[string, RunningServer]> = [];
  try {
    servers.push(["bare", await startBareProcess(signal)]);
    servers.push(["workers=1", await startProbeServer("", ["--workers", "1"])]);
    servers.push(["workers=2", await startProbeServer("", ["--workers", "2"])]);
    const identical = await sameFrames(servers[0]![1].url, servers[1]![1].url);
    const wrk = async (server: RunningServer, durationSeconds: number): Promise<Round> => {
      const cpu = treeCpuSeconds(server.pid);
      const mainCpu = mainThreadCpuSeconds(server.pid);
      const result = await runWrk({ url: `${server.url}/invoke`, script, threads: THREADS, connections: CONNECTIONS, durationSeconds, signal });
      return {
        ...result,
        cpuPercent: ((treeCpuSeconds(server.pid) - cpu) / durationSeconds) * 100,
        mainCpuPercent: ((mainThreadCpuSeconds(server.pid) - mainCpu) / durationSeconds) * 100,
      };
    };
    for (const [, server] of servers) await wrk(server, WARMUP_SECONDS);
    const rounds = new Map<string, Round[]>(servers.map(([name]) => [name, []]));
    for (let n = 0; n < ROUNDS; n++) {
      for (const [name, server] of servers) rounds.get(name)!.push(await wrk(server, SECONDS));
    }
    return summarize(rounds, identical, wrkArgs({ url: "<url>/invoke", script: "<script>.lua", threads: THREADS, connections: CONNECTIONS, durationSeconds: SECONDS }));
  } finally {
    await Promise.all(servers.map(([, server]) => server.stop()));
    await rm(script, { force: true });
  }
}

/** One wrk run, with the CPU the server used meanwhile (100% = one core). */
interface Round extends WrkResult {
  cpuPercent: number;
  /** Of which the main thread: agentscope's supervisor, or the whole bare server. */
  mainCpuPercent: number;
}

function summarize(rounds: Map<string, Round[]>, identical: boolean, args: string[]): ScenarioResult {
  const medians = new Map(
    [...rounds].map(([name, runs]) => [
      name,
      {
        rps: median(runs.map((r) => r.rps)),
        p50: median(runs.map((r) => r.p50Ms)),
        p99: median(runs.map((r) => r.p99Ms)),
        errors: runs.reduce((sum, r) => sum + r.errors, 0),
        cpu: median(runs.map((r) => r.cpuPercent)),
        mainCpu: median(runs.map((r) => r.mainCpuPercent)),
      },
    ]),
  );
  const bare = medians.get("bare")!;
  const targets: TargetCheck[] = [];
  const rows = [...medians].map(([name, m]) => {
    const ratio = m.rps / bare.rps;
    const p99Over = m.p99 - bare.p99;
    if (name !== "bare") {
      targets.push({ name: `${name} req/s vs bare`, target: `≥ ${MIN_RPS_RATIO}`, measured: ratio.toFixed(3), met: ratio >= MIN_RPS_RATIO });
      targets.push({ name: `${name} p99 over bare`, target: `≤ ${MAX_P99_OVER_BARE_MS} ms`, measured: `${p99Over.toFixed(2)} ms`, met: p99Over <= MAX_P99_OVER_BARE_MS });
    }
    const perRound = rounds.get(name)!.map((r) => r.rps.toFixed(0)).join(" / ");
    return [name, round(m.rps, 0), round(m.p50, 2), round(m.p99, 2), round(ratio, 3), round(p99Over, 2), round(m.cpu, 0), round(m.mainCpu, 0), m.errors, perRound];
  });
  return {
    params: {
      wrk: `wrk ${args.join(" ")}`,
      rounds: `${ROUNDS} alternating rounds of ${SECONDS} s after a ${WARMUP_SECONDS} s warm-up each; medians`,
      request: `the Lua script's request(): POST /invoke {"session_id":"echo-<n>","message":{"name":"user","role":"user","content":"hi"},"metadata":{"mode":"echo"}}, n counting up (3 messages + done)`,
    },
    table: {
      columns: ["target", "req/s", "p50 ms", "p99 ms", "vs bare", "p99 - bare ms", "server CPU %", "main thread CPU %", "errors", "req/s per round"],
      rows,
    },
    targets,
    notes: [
      identical
        ? "the runtime's frames and the bare server's are byte-identical once ids and timestamps are blanked"
        : "WARNING: the runtime's frames differ from the bare server's beyond ids and timestamps",
      "wrk shares the 2 cores with the server under test; server CPU % is its whole process (100 = one core), main thread % agentscope's supervisor thread alone",
    ],
    raw: Object.fromEntries(rounds),
  };
}

export const echoThroughput: Scenario = { id: "echo", title: "Echo throughput and latency", run };
