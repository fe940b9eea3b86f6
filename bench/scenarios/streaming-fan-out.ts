/**
 * Streaming fan-out: a thousand sessions at once, each streaming 100 chunks
 * 20 ms apart, through one `agentscope run` with 2 workers, next to the bare
 * server streaming the same frames on the same timers. Reports completed
 * streams, the gap between consecutive chunks as the client sees them, and
 * the peak resident memory of the server's process tree.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { listenOverflows } from "../lib/machine.js";
import { RssSampler, mainThreadCpuSeconds, treeCpuSeconds, treeRss } from "../lib/process-tree.js";
import type { Scenario, ScenarioResult } from "../lib/scenario.js";
import { startBareProcess, startProbeServer, type RunningServer } from "../lib/servers.js";
import { invokeBody, streamInvoke, type StreamOutcome } from "../lib/sse-client.js";
import { max, percentiles, round } from "../lib/stats.js";

const SESSIONS = 1000;
const CHUNKS = 100;
const DELAY_MS = 20;
const WORKERS = 2;
const ROUNDS = 2;
/** Connections open in batches so the listen backlog (511) never overflows into SYN retries. */
const RAMP_BATCH = 50;
const RAMP_EVERY_MS = 10;
const MAX_GAP_P99_MS = 40;
const CONFIG = `server:\n  workers: ${WORKERS}\n  tasks_per_worker: ${SESSIONS}\n  max_queue: ${SESSIONS}\n  drain_timeout: 5\n`;

interface Round {
  target: string;
  completed: number;
  failed: number;
  truncated: number;
  /** The first few distinct failures, for the report. */
  errors: string[];
  peakConcurrent: number;
  firstMessageP50Ms: number;
  firstMessageP99Ms: number;
  gapP50Ms: number;
  gapP99Ms: number;
  gapMaxMs: number;
  /** Gaps seen while every stream was open: after the last first message, before the first stream ended. */
  steadyGapP99Ms: number;
  idleRssMb: number;
  peakRssMb: number;
  /** How far the client's own event loop ran late, 99th percentile. */
  clientLoopLagP99Ms: number;
  serverCpuSeconds: number;
  /** Of which the server's main thread: agentscope's supervisor, or the whole bare server. */
  serverMainCpuSeconds: number;
  clientCpuSeconds: number;
  /** Connects the server's listen queue dropped (the client's kernel retries them 1 s later). */
  listenOverflows: number;
  wallMs: number;
}

/** The client's event-loop delay is sampled by a timer this many ms apart. */
const LOOP_RESOLUTION_MS = 10;

/** The most streams open at one moment, from each stream's start and end. */
function peakConcurrency(spans: Array<[start: number, end: number]>): number {
  const events = spans.flatMap(([start, end]): Array<[number, number]> => [[start, 1], [end, -1]]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  let peak = 0;
  for (const [, change] of events) peak = Math.max(peak, (open += change));
  return peak;
}

/** The gaps that arrived while every stream was open (each gap's arrival time rebuilt from its stream's start). */
function gapsWhileAllOpen(outcomes: readonly StreamOutcome[], starts: readonly number[]): number[] {
  const from = Math.max(...outcomes.map((o, i) => starts[i]! + (o.firstMessageMs ?? Number.POSITIVE_INFINITY)));
  const to = Math.min(...outcomes.map((o, i) => starts[i]! + o.durationMs));
  const found: number[] = [];
  outcomes.forEach((outcome, i) => {
    let at = starts[i]! + (outcome.firstMessageMs ?? 0);
    for (const gap of outcome.gaps) {
      at += gap;
      if (at > from && at < to) found.push(gap);
    }
  });
  return found;
}

async function fanOut(target: string, server: RunningServer, round: number, gaps: number[], steady: number[], signal: AbortSignal): Promise<Round> {
  const idleRss = treeRss(server.pid);
  const rss = new RssSampler(server.pid, 100);
  const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  const serverCpu = treeCpuSeconds(server.pid);
  const serverMainCpu = mainThreadCpuSeconds(server.pid);
  const clientCpu = process.cpuUsage();
  const overflows = listenOverflows();
  const body = (i: number): string => invokeBody(`fan-${target}-${round}-${i}`, { mode: "slow", count: CHUNKS, delay_ms: DELAY_MS });
  const started = performance.now();
  const starts: number[] = [];
  let outcomes: StreamOutcome[];
  let memory: ReturnType<RssSampler["close"]>;
  rss.start();
  loop.enable();
  try {
    const streams: Array<Promise<StreamOutcome>> = [];
    for (let i = 0; i < SESSIONS; i++) {
      if (i > 0 && i % RAMP_BATCH === 0) await sleep(RAMP_EVERY_MS, undefined, { signal });
      starts.push(performance.now() - started);
      streams.push(streamInvoke(`${server.url}/invoke`, body(i), { signal }));
    }
    outcomes = await Promise.all(streams);
  } finally {
    loop.disable();
    memory = rss.close();
  }
  const wallMs = performance.now() - started;
  const serverCpuSeconds = treeCpuSeconds(server.pid) - serverCpu;
  const serverMainCpuSeconds = mainThreadCpuSeconds(server.pid) - serverMainCpu;
  const { user, system } = process.cpuUsage(clientCpu);
  const completed = outcomes.filter((o) => o.status === 200 && o.done && o.error === undefined && o.messages === CHUNKS).length;
  const failed = outcomes.filter((o) => o.error !== undefined).length;
  const roundGaps = outcomes.flatMap((o) => o.gaps);
  for (const gap of roundGaps) gaps.push(gap);
  const steadyGaps = gapsWhileAllOpen(outcomes, starts);
  for (const gap of steadyGaps) steady.push(gap);
  const [gapP50, gapP99] = percentiles(roundGaps, [50, 99]);
  const [firstP50, firstP99] = percentiles(
    outcomes.flatMap((o) => (o.firstMessageMs === undefined ? [] : [o.firstMessageMs])),
    [50, 99],
  );
  return {
    target,
    completed,
    failed,
    truncated: SESSIONS - completed - failed,
    errors: [...new Set(outcomes.flatMap((o) => (o.error === undefined ? [] : [o.error])))].slice(0, 3),
    peakConcurrent: peakConcurrency(outcomes.map((o, i) => [starts[i]!, starts[i]! + o.durationMs])),
    firstMessageP50Ms: firstP50!,
    firstMessageP99Ms: firstP99!,
    gapP50Ms: gapP50!,
    gapP99Ms: gapP99!,
    gapMaxMs: max(roundGaps),
    steadyGapP99Ms: percentiles(steadyGaps, [99])[0]!,
    idleRssMb: idleRss / 2 ** 20,
    peakRssMb: memory.peakMb,
    // The histogram holds whole intervals between the timer's runs: the lag is what exceeds the interval.
    clientLoopLagP99Ms: Math.max(0, loop.percentile(99) / 1e6 - LOOP_RESOLUTION_MS),
    serverCpuSeconds,
    serverMainCpuSeconds,
    clientCpuSeconds: (user + system) / 1e6,
    listenOverflows: listenOverflows() - overflows,
    wallMs,
  };
}

async function run(signal: AbortSignal): Promise<ScenarioResult> {
  const servers: Array<[string, RunningServer]> = [];
  try {
    servers.push(["agentscope", await startProbeServer(CONFIG)]);
    servers.push(["bare", await startBareProcess(signal)]);
    const rounds: Round[] = [];
    const gaps = new Map<string, number[]>(servers.map(([name]) => [name, []]));
    const steady = new Map<string, number[]>(servers.map(([name]) => [name, []]));
    for (let n = 0; n < ROUNDS; n++) {
      for (const [name, server] of servers) rounds.push(await fanOut(name, server, n, gaps.get(name)!, steady.get(name)!, signal));
    }
    return summarize(rounds, gaps, steady);
  } finally {
    await Promise.all(servers.map(([, server]) => server.stop()));
  }
}

function summarize(rounds: Round[], gaps: Map<string, number[]>, steady: Map<string, number[]>): ScenarioResult {
  const rows = [...gaps].map(([target, pooled]) => {
    const mine = rounds.filter((r) => r.target === target);
    const sum = (pick: (r: Round) => number): number => mine.reduce((total, r) => total + pick(r), 0);
    const worst = (pick: (r: Round) => number): number => Math.max(...mine.map(pick));
    const [p50, p99] = percentiles(pooled, [50, 99]);
    return {
      target,
      completed: sum((r) => r.completed),
      failed: sum((r) => r.failed),
      truncated: sum((r) => r.truncated),
      p50: p50!,
      p99: p99!,
      cells: [
        target,
        `${sum((r) => r.completed)}/${mine.length * SESSIONS}`,
        sum((r) => r.failed),
        sum((r) => r.truncated),
        worst((r) => r.peakConcurrent),
        sum((r) => r.listenOverflows),
        round(worst((r) => r.firstMessageP99Ms), 0),
        round(p50!, 1),
        round(p99!, 1),
        round(worst((r) => r.gapMaxMs), 0),
        round(percentiles(steady.get(target)!, [99])[0]!, 1),
        round(mine[0]!.idleRssMb, 0),
        round(worst((r) => r.peakRssMb), 0),
        round(worst((r) => r.serverCpuSeconds), 1),
        round(worst((r) => r.serverMainCpuSeconds), 1),
        round(worst((r) => r.clientCpuSeconds), 1),
        round(worst((r) => r.wallMs) / 1000, 1),
        round(worst((r) => r.clientLoopLagP99Ms), 1),
      ],
    };
  });
  const runtime = rows.find((row) => row.target === "agentscope")!;
  const total = ROUNDS * SESSIONS;
  const errors = [...new Set(rounds.flatMap((r) => r.errors.map((e) => `${r.target}: ${e}`)))].slice(0, 5);
  return {
    params: {
      load: `${SESSIONS} concurrent sessions, each POST /invoke {mode: "slow", count: ${CHUNKS}, delay_ms: ${DELAY_MS}}`,
      client: `bench/lib/sse-client.ts: one raw socket per stream, ${RAMP_BATCH} opened every ${RAMP_EVERY_MS} ms; frames found by scanning bytes for the blank line`,
      server: `agentscope run --workers ${WORKERS}, tasks_per_worker ${SESSIONS}, max_queue ${SESSIONS}; bare: bench/bare-server.ts in its own process`,
      rounds: `${ROUNDS} alternating rounds; gap percentiles pooled over the rounds, other columns the worst round`,
      memory: "sum of VmRSS over the server's process tree (/proc/<pid>/status), sampled every 100 ms",
    },
    table: {
      columns: ["target", "completed", "failed", "truncated", "peak open", "listen drops", "first msg p99 ms", "gap p50 ms", "gap p99 ms", "gap max ms", "gap p99 all open ms", "idle RSS MB", "peak RSS MB", "server CPU s", "main thread CPU s", "client CPU s", "wall s", "client lag p99 ms"],
      rows: rows.map((row) => row.cells),
    },
    targets: [
      { name: "completed streams", target: `all ${total}`, measured: `${runtime.completed}/${total}`, met: runtime.completed === total },
      { name: "chunk gap p99", target: `< ${MAX_GAP_P99_MS} ms`, measured: `${runtime.p99.toFixed(1)} ms`, met: runtime.p99 < MAX_GAP_P99_MS },
    ],
    notes: [
      `a gap is the time between two consecutive chunks of one stream at the client; ${DELAY_MS} ms is the App's own pause`,
      "listen drops: connects dropped by a full listen queue (kernel TcpExt ListenOverflows, summed over the rounds); each is retried by the client's kernel about 1 s later, which shows in first msg p99",
      "gap p99 all open: only the gaps that arrived while all the round's streams were open, leaving out the ramp-up (streams starting) and the wind-down (streams ending)",
      "client lag p99 is how late the benchmark client's own event loop ran; CPU seconds are per round (server: its process tree from /proc; client: process.cpuUsage()) over the round's wall time, on 2 cores shared by both",
      ...errors.map((error) => `error seen: ${error.slice(0, 200)}`),
    ],
    raw: rounds,
  };
}

export const streamingFanOut: Scenario = { id: "fanout", title: "Streaming fan-out", run };
