/**
 * /invoke throughput of the echo app (three short messages) with 1 and 2
 * workers, next to the bare handler, measured in one run with wrk.
 * Usage: npm run bench  (needs wrk: apt-get install -y wrk)
 */
import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { startServer } from "../test/helpers/agentscope-process.js";
import { probeProject } from "../test/helpers/fixtures.js";
import { tempProject } from "../test/helpers/temp-project.js";
import { startBareServer } from "./bare-server.js";

const run = promisify(execFile);
const DURATION = process.env["BENCH_DURATION"] ?? "5s";
const CONNECTIONS = process.env["BENCH_CONNECTIONS"] ?? "32";
const ROUNDS = Number(process.env["BENCH_ROUNDS"] ?? 3);

async function wrk(url: string, script: string): Promise<{ rps: number; p99ms: number }> {
  const { stdout } = await run("wrk", ["-t1", `-c${CONNECTIONS}`, `-d${DURATION}`, "--latency", "-s", script, `${url}/invoke`]);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1]);
  const p99 = /99%\s+([\d.]+)(us|ms|s)/.exec(stdout);
  const p99ms = p99 ? Number(p99[1]) * (p99[2] === "us" ? 0.001 : p99[2] === "s" ? 1000 : 1) : Number.NaN;
  if (!/Non-2xx/.test(stdout) && Number.isFinite(rps)) return { rps, p99ms };
  throw new Error(`wrk saw errors:\n${stdout}`);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const script = path.join(os.tmpdir(), `agentscope-bench-${process.pid}.lua`);
await writeFile(
  script,
  `wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n` +
    `wrk.body = '{"session_id":"bench","message":{"name":"user","role":"user","content":"hi"},"metadata":{"mode":"echo"}}'\n`,
);
const project = await tempProject(await probeProject(""));
const bare = await startBareServer();
const one = await startServer(project.dir, { args: ["--workers", "1"] });
const two = await startServer(project.dir, { args: ["--workers", "2"] });
const targets = { bare: bare.url, "workers=1": one.url, "workers=2": two.url } as const;
const results: Record<string, Array<{ rps: number; p99ms: number }>> = { bare: [], "workers=1": [], "workers=2": [] };
try {
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, url] of Object.entries(targets)) results[name]!.push(await wrk(url, script));
  }
} finally {
  await Promise.all([one.proc.stop(), two.proc.stop(), bare.close()]);
  await project.remove();
}
const bareRps = median(results["bare"]!.map((r) => r.rps));
console.log(`echo app, wrk -t1 -c${CONNECTIONS} -d${DURATION}, median of ${ROUNDS} alternating rounds, ${os.cpus().length} cores`);
console.log("target      req/s    p99 ms   vs bare");
for (const [name, runs] of Object.entries(results)) {
  const rps = median(runs.map((r) => r.rps));
  const p99 = median(runs.map((r) => r.p99ms));
  console.log(`${name.padEnd(10)} ${rps.toFixed(0).padStart(7)} ${p99.toFixed(2).padStart(8)}   ${(rps / bareRps).toFixed(2)}`);
}
