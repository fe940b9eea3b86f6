/**
 * Reload under load: clients keep streaming (each stream 10 messages, 20 ms
 * apart) while the config is reloaded every 2 s through POST /admin/reload.
 * Reports streams sent, completed, failed (an error frame) and truncated (no
 * done frame): the goal is zero of both, and the time from trigger to the new
 * generation serving.
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { startServer } from "../test/helpers/agentscope-process.js";
import { probeProject } from "../test/helpers/fixtures.js";
import { httpRequest, openStream, userMessage } from "../test/helpers/http-client.js";
import { tempProject } from "../test/helpers/temp-project.js";

const SECONDS = Number(process.env["BENCH_RELOAD_SECONDS"] ?? 12);
const CLIENTS = Number(process.env["BENCH_RELOAD_CLIENTS"] ?? 16);
const RELOAD_EVERY_MS = 2_000;
const DONE = JSON.stringify({ name: "assistant", role: "assistant", content: "", metadata: { done: true } });

const config = (answer: string) => `models:\n  main:\n    provider: scripted\n    script:\n      - text: "${answer}"\nserver:\n  workers: 2\n  admin_token: bench\n`;
const project = await tempProject(await probeProject(config("generation 1")));
const { url, proc } = await startServer(project.dir, { args: ["--log-level", "info"] });

const counts = { sent: 0, completed: 0, failed: 0, truncated: 0 };
const swapMs: number[] = [];
let reloadsFailed = 0;
const deadline = performance.now() + SECONDS * 1000;

async function client(id: number): Promise<void> {
  for (let n = 0; performance.now() < deadline; n++) {
    counts.sent++;
    const stream = openStream(url, { session_id: `c${id}-${n}`, message: userMessage("x"), metadata: { mode: "slow", count: 10, delay_ms: 20 } });
    let frames: unknown[];
    try {
      frames = await stream.rest();
    } catch {
      counts.truncated++;
      continue;
    }
    if (frames.some((f) => typeof f === "object" && f !== null && "error" in f)) counts.failed++;
    else if (frames.length !== 11 || JSON.stringify(frames.at(-1)) !== DONE) counts.truncated++;
    else counts.completed++;
  }
}

async function reloader(): Promise<void> {
  for (let round = 2; performance.now() + RELOAD_EVERY_MS < deadline; round++) {
    await new Promise((resolve) => setTimeout(resolve, RELOAD_EVERY_MS));
    await writeFile(path.join(project.dir, "agentapp.yaml"), config(`generation ${round}`));
    const answer = await httpRequest(url, { path: "/admin/reload", method: "POST", headers: { Authorization: "Bearer bench" } });
    const body = JSON.parse(answer.text) as { ok: boolean; took_ms?: number };
    if (body.ok && body.took_ms !== undefined) swapMs.push(body.took_ms);
    else reloadsFailed++;
  }
}

try {
  await Promise.all([reloader(), ...Array.from({ length: CLIENTS }, (_, i) => client(i))]);
} finally {
  await proc.stop();
  await project.remove();
}
const sorted = [...swapMs].sort((a, b) => a - b);
console.log(`reload under load: ${CLIENTS} streaming clients for ${SECONDS} s, a reload every ${RELOAD_EVERY_MS / 1000} s, 2 workers`);
console.log(`streams sent ${counts.sent}, completed ${counts.completed}, failed ${counts.failed}, truncated ${counts.truncated}`);
console.log(
  `reloads ${swapMs.length + reloadsFailed} (failed ${reloadsFailed}); trigger to new generation serving: median ${sorted[Math.floor(sorted.length / 2)] ?? "-"} ms, max ${sorted.at(-1) ?? "-"} ms`,
);
