/**
 * CPU isolation: one session burns its worker's CPU for 5 s (probe `spin`
 * mode) while 20 other sessions stream and /health is polled; the same load
 * without the hog, on the same server, is the baseline. The README says such
 * an App blocks only the streams on its own worker, not /health and not the
 * other workers.
 */
import { Agent } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { timedGet } from "../lib/http-get.js";
import type { Scenario, ScenarioResult, TargetCheck } from "../lib/scenario.js";
import { startProbeServer } from "../lib/servers.js";
import { invokeBody, streamInvoke, type StreamOutcome } from "../lib/sse-client.js";
import { max, percentiles, round } from "../lib/stats.js";

const WORKERS = 2;
const STREAMS = 20;
const CHUNKS = 300;
const DELAY_MS = 20;
const HOG_MS = 5000;
/** The hog starts once the streams are spread over the workers. */
const HOG_AFTER_MS = 500;
const HEALTH_PAUSE_MS = 10;
const ROUNDS = 2;
/** Our reading of "not blocked": the fan-out target for gaps, and /health at most this much slower than without the hog. */
const MAX_GAP_P99_MS = 40;
const MAX_HEALTH_P99_OVER_MS = 10;
const CONFIG = `server:\n  workers: ${WORKERS}\n  drain_timeout: 5\n`;

interface Phase {
  hog: boolean;
  health: number[];
  /** Chunk gaps of streams on the hog's worker (none without the hog). */
  hogWorkerGaps: number[];
  otherGaps: number[];
  hogWorkerStreams: number;
  otherStreams: number;
  hogWorkerCompleted: number;
  otherCompleted: number;
  hogMs: number | undefined;
}

function threadOf(outcome: StreamOutcome | undefined): unknown {
  if (outcome?.firstMessage === undefined) return undefined;
  return (JSON.parse(outcome.firstMessage) as { metadata?: { threadId?: unknown } }).metadata?.threadId;
}

/** GET /health until `signal` aborts, recording each latency; resolves with the first failure, if any. */
async function pollHealth(url: string, into: number[], signal: AbortSignal): Promise<string | undefined> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    while (!signal.aborted) {
      const { status, ms } = await timedGet(`${url}/health`, { agent, signal });
      if (status !== 200) return `/health answered ${status}`;
      into.push(ms);
      await sleep(HEALTH_PAUSE_MS, undefined, { signal });
    }
    return undefined;
  } catch (error) {
    return signal.aborted ? undefined : String(error);
  } finally {
    agent.destroy();
  }
}

async function phase(url: string, hog: boolean, round: number, signal: AbortSignal): Promise<Phase> {
  const health: number[] = [];
  const polling = new AbortController();
  const poller = pollHealth(url, health, AbortSignal.any([signal, polling.signal]));
  try {
    const streams = Array.from({ length: STREAMS }, (_, i) =>
      streamInvoke(`${url}/invoke`, invokeBody(`cpu-${round}-${hog}-${i}`, { mode: "slow", count: CHUNKS, delay_ms: DELAY_MS }), { signal }),
    );
    let hogged: Promise<StreamOutcome> | undefined;
    if (hog) {
      await sleep(HOG_AFTER_MS, undefined, { signal });
      hogged = streamInvoke(`${url}/invoke`, invokeBody(`cpu-${round}-hog`, { mode: "spin", ms: HOG_MS }), { signal });
    }
    const outcomes = await Promise.all(streams);
    const hogOutcome = await hogged;
    polling.abort();
    const healthFailure = await poller;
    if (healthFailure !== undefined) throw new Error(healthFailure);
    const hogThread = threadOf(hogOutcome);
    const onHogWorker = outcomes.filter((o) => hogThread !== undefined && threadOf(o) === hogThread);
    const others = outcomes.filter((o) => !onHogWorker.includes(o));
    const completed = (group: StreamOutcome[]): number => group.filter((o) => o.done && o.error === undefined && o.messages === CHUNKS).length;
    return {
      hog,
      health,
      hogWorkerGaps: onHogWorker.flatMap((o) => o.gaps),
      otherGaps: others.flatMap((o) => o.gaps),
      hogWorkerStreams: onHogWorker.length,
      otherStreams: others.length,
      hogWorkerCompleted: completed(onHogWorker),
      otherCompleted: completed(others),
      hogMs: hogOutcome?.durationMs,
    };
  } finally {
    polling.abort();
    await poller;
  }
}

async function run(signal: AbortSignal): Promise<ScenarioResult> {
  const server = await startProbeServer(CONFIG);
  try {
    const phases: Phase[] = [];
    for (let n = 0; n < ROUNDS; n++) {
      phases.push(await phase(server.url, false, n, signal));
      phases.push(await phase(server.url, true, n, signal));
    }
    return summarize(phases);
  } finally {
    await server.stop();
  }
}

function summarize(phases: Phase[]): ScenarioResult {
  const pool = (hog: boolean, pick: (p: Phase) => number[]): number[] => phases.filter((p) => p.hog === hog).flatMap(pick);
  const count = (hog: boolean, pick: (p: Phase) => number): number => phases.filter((p) => p.hog === hog).reduce((sum, p) => sum + pick(p), 0);
  const row = (label: string, health: number[] | undefined, gaps: number[], streams: number, completed: number) => {
    const [h50, h99] = health ? percentiles(health, [50, 99]) : [Number.NaN, Number.NaN];
    const [g50, g99] = percentiles(gaps, [50, 99]);
    return {
      h99: h99!,
      g99: g99!,
      cells: [label, health?.length ?? null, round(h50!, 2), round(h99!, 2), health ? round(max(health), 1) : null, streams, completed, round(g50!, 1), round(g99!, 1), round(max(gaps), 0)],
    };
  };
  const baseline = row("no hog", pool(false, (p) => p.health), pool(false, (p) => p.otherGaps), count(false, (p) => p.otherStreams), count(false, (p) => p.otherCompleted));
  const withHog = row("hog: other worker", pool(true, (p) => p.health), pool(true, (p) => p.otherGaps), count(true, (p) => p.otherStreams), count(true, (p) => p.otherCompleted));
  const hogWorker = row("hog: hog's worker", undefined, pool(true, (p) => p.hogWorkerGaps), count(true, (p) => p.hogWorkerStreams), count(true, (p) => p.hogWorkerCompleted));
  const targets: TargetCheck[] = [
    {
      name: "/health p99 with hog - without",
      target: `≤ ${MAX_HEALTH_P99_OVER_MS} ms`,
      measured: `${(withHog.h99 - baseline.h99).toFixed(2)} ms`,
      met: withHog.h99 - baseline.h99 <= MAX_HEALTH_P99_OVER_MS,
    },
    {
      name: "other worker's gap p99 with hog",
      target: `< ${MAX_GAP_P99_MS} ms`,
      measured: `${withHog.g99.toFixed(1)} ms (no hog: ${baseline.g99.toFixed(1)} ms)`,
      met: withHog.g99 < MAX_GAP_P99_MS,
    },
  ];
  const hogMs = phases.flatMap((p) => (p.hogMs === undefined ? [] : [Math.round(p.hogMs)]));
  return {
    params: {
      server: `agentscope run --workers ${WORKERS}`,
      streams: `${STREAMS} sessions, POST /invoke {mode: "slow", count: ${CHUNKS}, delay_ms: ${DELAY_MS}}`,
      hog: `POST /invoke {mode: "spin", ms: ${HOG_MS}}, ${HOG_AFTER_MS} ms after the streams start`,
      health: `GET /health in a loop on one keep-alive connection, ${HEALTH_PAUSE_MS} ms between requests`,
      rounds: `${ROUNDS} rounds, each without then with the hog; percentiles pooled over the rounds`,
    },
    table: {
      columns: ["phase", "/health n", "/health p50 ms", "/health p99 ms", "/health max ms", "streams", "completed", "gap p50 ms", "gap p99 ms", "gap max ms"],
      rows: [baseline.cells, withHog.cells, hogWorker.cells],
    },
    targets,
    notes: [
      "streams are split by the threadId in their first chunk; those sharing the hog's worker stall for its 5 s by design (README: CPU-heavy work blocks only the streams on its own worker)",
      `hog stream durations: ${hogMs.join(", ")} ms`,
      "the targets are this harness's reading of the README's isolation claim; with 2 cores the hog takes one whole core from the supervisor, the other worker and the client",
    ],
    raw: phases.map((p) => ({
      hog: p.hog,
      healthRequests: p.health.length,
      healthP99Ms: percentiles(p.health, [99])[0],
      hogWorkerStreams: p.hogWorkerStreams,
      otherStreams: p.otherStreams,
      otherGapP99Ms: percentiles(p.otherGaps, [99])[0],
      hogWorkerGapMaxMs: max(p.hogWorkerGaps),
      completed: p.otherCompleted + p.hogWorkerCompleted,
      hogMs: p.hogMs,
    })),
  };
}

export const cpuIsolation: Scenario = { id: "cpu", title: "CPU isolation", run };
