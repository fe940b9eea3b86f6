/**
 * Reload under load: clients keep streaming (each stream 10 messages, 20 ms
 * apart) while the config file is rewritten and POST /admin/reload called
 * every 2 s; the same clients without reloads are the baseline. Reports
 * streams failed (an error frame) and truncated (no done frame), which should
 * both be zero, and the time from trigger to the new generation serving.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { httpRequest } from "../../test/helpers/http-client.js";
import type { Scenario, ScenarioResult } from "../lib/scenario.js";
import { startProbeServer } from "../lib/servers.js";
import { invokeBody, streamInvoke } from "../lib/sse-client.js";
import { median, percentiles, round } from "../lib/stats.js";

const CLIENTS = 16;
const CHUNKS = 10;
const DELAY_MS = 20;
const BASELINE_SECONDS = 6;
const RELOAD_SECONDS = 12;
const RELOAD_EVERY_MS = 2_000;
const WORKERS = 2;

const config = (answer: string): string =>
  `models:\n  main:\n    provider: scripted\n    script:\n      - text: "${answer}"\nserver:\n  workers: ${WORKERS}\n  admin_token: bench\n`;

interface Counts {
  sent: number;
  completed: number;
  failed: number;
  truncated: number;
  durations: number[];
  errors: Set<string>;
}

interface Reloads {
  /** The server's own measure, from trigger to switch (took_ms). */
  tookMs: number[];
  /** POST /admin/reload's round trip at the client. */
  roundTripMs: number[];
  failed: number;
}

/** `CLIENTS` loops each opening one stream after the other until `seconds` have passed. */
async function load(url: string, seconds: number, signal: AbortSignal): Promise<Counts> {
  const counts: Counts = { sent: 0, completed: 0, failed: 0, truncated: 0, durations: [], errors: new Set() };
  const deadline = performance.now() + seconds * 1000;
  const client = async (id: number): Promise<void> => {
    for (let n = 0; performance.now() < deadline; n++) {
      counts.sent++;
      const outcome = await streamInvoke(`${url}/invoke`, invokeBody(`reload-${id}-${n}`, { mode: "slow", count: CHUNKS, delay_ms: DELAY_MS }), { signal });
      counts.durations.push(outcome.durationMs);
      if (outcome.error !== undefined) {
        counts.failed++;
        counts.errors.add(outcome.error.slice(0, 200));
      } else if (!outcome.done || outcome.messages !== CHUNKS) counts.truncated++;
      else counts.completed++;
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, (_, i) => client(i)));
  return counts;
}

async function reloader(url: string, write: (text: string) => Promise<void>, seconds: number, signal: AbortSignal): Promise<Reloads> {
  const reloads: Reloads = { tookMs: [], roundTripMs: [], failed: 0 };
  const deadline = performance.now() + seconds * 1000;
  for (let generation = 2; performance.now() + RELOAD_EVERY_MS < deadline; generation++) {
    await sleep(RELOAD_EVERY_MS, undefined, { signal });
    await write(config(`generation ${generation}`));
    const started = performance.now();
    const answer = await httpRequest(url, { path: "/admin/reload", method: "POST", headers: { Authorization: "Bearer bench" } });
    reloads.roundTripMs.push(performance.now() - started);
    const body = JSON.parse(answer.text) as { ok: boolean; took_ms?: number };
    if (body.ok && body.took_ms !== undefined) reloads.tookMs.push(body.took_ms);
    else reloads.failed++;
  }
  return reloads;
}

async function run(signal: AbortSignal): Promise<ScenarioResult> {
  const server = await startProbeServer(config("generation 1"));
  try {
    const baseline = await load(server.url, BASELINE_SECONDS, signal);
    const write = (text: string): Promise<void> => server.project.write("agentapp.yaml", text);
    const [reloads, underReload] = await Promise.all([reloader(server.url, write, RELOAD_SECONDS, signal), load(server.url, RELOAD_SECONDS, signal)]);
    // Let the config watcher's own reloads (one per file write, 250 ms debounce) settle before counting generations.
    await sleep(1_500, undefined, { signal });
    const health = await httpRequest(server.url, { path: "/health" });
    const generation = (JSON.parse(health.text) as { generation: number }).generation;
    return summarize(baseline, underReload, reloads, generation);
  } finally {
    await server.stop();
  }
}

function summarize(baseline: Counts, underReload: Counts, reloads: Reloads, generation: number): ScenarioResult {
  const row = (label: string, counts: Counts, swaps: Reloads | undefined) => {
    const [d50, d99] = percentiles(counts.durations, [50, 99]);
    const took = swaps && [...swaps.tookMs].sort((a, b) => a - b);
    return [
      label,
      counts.sent,
      counts.completed,
      counts.failed,
      counts.truncated,
      round(d50!, 0),
      round(d99!, 0),
      swaps ? `${swaps.tookMs.length + swaps.failed} (${swaps.failed} failed)` : "0",
      took ? round(median(took), 0) : null,
      took ? (took.at(-1) ?? null) : null,
      swaps ? round(median(swaps.roundTripMs), 0) : null,
    ];
  };
  const broken = underReload.failed + underReload.truncated;
  const took = [...reloads.tookMs].sort((a, b) => a - b);
  return {
    params: {
      load: `${CLIENTS} clients, each streaming one session after another: POST /invoke {mode: "slow", count: ${CHUNKS}, delay_ms: ${DELAY_MS}}`,
      baseline: `${BASELINE_SECONDS} s without reloads`,
      reloads: `${RELOAD_SECONDS} s; every ${RELOAD_EVERY_MS / 1000} s: rewrite agentapp.yaml, then POST /admin/reload`,
      server: `agentscope run, ${WORKERS} workers, default drain_timeout`,
    },
    table: {
      columns: ["phase", "streams", "completed", "failed", "truncated", "stream p50 ms", "stream p99 ms", "reloads", "swap median ms", "swap max ms", "POST median ms"],
      rows: [row("no reloads", baseline, undefined), row("reloading", underReload, reloads)],
    },
    targets: [
      { name: "failed + truncated streams during reloads", target: "0", measured: String(broken), met: broken === 0 },
      { name: "reload answers ok", target: "all", measured: `${reloads.tookMs.length}/${reloads.tookMs.length + reloads.failed}`, met: reloads.failed === 0 },
    ],
    notes: [
      "swap = took_ms from the reload's answer: from the trigger to new requests going to the new generation (every worker started)",
      `generation serving at the end: ${generation}, so ${generation - 1} reloads in all; the config watcher reloads once more after each file write (250 ms debounce), on top of the POST`,
      ...[...baseline.errors, ...underReload.errors].slice(0, 3).map((error) => `error seen: ${error}`),
    ],
    raw: {
      baseline: { ...baseline, durations: undefined, errors: [...baseline.errors] },
      reloading: { ...underReload, durations: undefined, errors: [...underReload.errors] },
      reloads,
      swapMedianMs: median(took),
      swapMaxMs: took.at(-1),
      generation,
    },
  };
}

export const reloadUnderLoad: Scenario = { id: "reload", title: "Reload under load", run };
