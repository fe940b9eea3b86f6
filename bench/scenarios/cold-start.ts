/**
 * Cold start: from spawning `agentscope run` to /ready answering 200 (polled
 * once the "listening" log line is out), with 1 and 4 workers, next to a bare
 * node:http server's spawn to first 200; alternating rounds, medians.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { CLI } from "../../test/helpers/agentscope-process.js";
import { probeProject } from "../../test/helpers/fixtures.js";
import { tempProject } from "../../test/helpers/temp-project.js";
import { timedGet } from "../lib/http-get.js";
import { NodeProcess } from "../lib/node-process.js";
import type { Scenario, ScenarioResult } from "../lib/scenario.js";
import { median, round } from "../lib/stats.js";

const RUNS = 3;
const WORKER_COUNTS = [1, 4] as const;
const POLL_MS = 5;

/** The floor: node itself starting an HTTP server, with the same log line agentscope prints. */
const NODE_FLOOR = `const s = require("node:http").createServer((q, r) => r.end("ok"));
s.listen(0, "127.0.0.1", () => console.log(JSON.stringify({ level: "info", msg: "listening; starting workers", url: "http://127.0.0.1:" + s.address().port })));
process.once("SIGTERM", () => s.close());`;

interface Start {
  variant: string;
  listeningMs: number;
  readyMs: number;
}

/** Spawns, waits for the listening line, then polls `path` until it answers 200. */
async function coldStart(variant: string, args: readonly string[], path: string, signal: AbortSignal): Promise<Start> {
  const started = performance.now();
  const proc = new NodeProcess(args);
  try {
    const listening = await proc.waitForLine((line) => line["msg"] === "listening; starting workers", signal);
    const listeningMs = performance.now() - started;
    for (;;) {
      const { status } = await timedGet(`${String(listening["url"])}${path}`, { signal });
      if (status === 200) break;
      await sleep(POLL_MS, undefined, { signal });
    }
    return { variant, listeningMs, readyMs: performance.now() - started };
  } finally {
    await proc.stop();
  }
}

async function run(signal: AbortSignal): Promise<ScenarioResult> {
  const project = await tempProject(await probeProject(""));
  const serve = (workers: number): string[] => [CLI, "run", project.dir, "--host", "127.0.0.1", "--port", "0", "--no-platform", "--workers", String(workers)];
  const variants: Array<[string, () => Promise<Start>]> = [
    ...WORKER_COUNTS.map((workers): [string, () => Promise<Start>] => [`workers=${workers}`, () => coldStart(`workers=${workers}`, serve(workers), "/ready", signal)]),
    ["node floor", () => coldStart("node floor", ["-e", NODE_FLOOR], "/", signal)],
  ];
  const starts: Start[] = [];
  try {
    for (let i = 0; i < RUNS; i++) for (const [, start] of variants) starts.push(await start());
  } finally {
    await project.remove();
  }
  const rows = variants.map(([variant]) => {
    const mine = starts.filter((s) => s.variant === variant);
    const ready = mine.map((s) => s.readyMs);
    return [
      variant,
      round(median(mine.map((s) => s.listeningMs)), 0),
      round(median(ready), 0),
      round(Math.min(...ready), 0),
      round(Math.max(...ready), 0),
      ready.map((ms) => ms.toFixed(0)).join(" / "),
    ];
  });
  return {
    params: {
      command: `node dist/bin/agentscope.js run <probe project> --host 127.0.0.1 --port 0 --no-platform --workers {${WORKER_COUNTS.join(",")}}`,
      measure: `spawn to the "listening" log line, and spawn to GET /ready 200 (polled every ${POLL_MS} ms after that line)`,
      floor: "node -e '<http server on port 0>': spawn to the first 200",
      rounds: `${RUNS} alternating rounds; medians`,
    },
    table: {
      columns: ["variant", "listening ms", "ready ms (median)", "ready min", "ready max", "ready per run"],
      rows,
    },
    targets: [],
    notes: ["no target was set for cold start"],
    raw: starts,
  };
}

export const coldStartScenario: Scenario = { id: "cold-start", title: "Cold start", run };
