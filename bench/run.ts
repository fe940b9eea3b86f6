/**
 * `npm run bench`: runs every scenario under bench/scenarios (or those named
 * on the command line) against servers it starts and stops itself, prints
 * the tables, and writes bench/results/latest.json and latest.md.
 * Targets are reported, never enforced; the exit code is 1 only when a
 * scenario could not run.
 */
import { setMaxListeners } from "node:events";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadAverage, machineInfo, stealSeconds } from "./lib/machine.js";
import { formatScenario, formatTargets, writeReport, type ScenarioReport } from "./lib/report.js";
import type { Scenario } from "./lib/scenario.js";
import { coldStartScenario } from "./scenarios/cold-start.js";
import { cpuIsolation } from "./scenarios/cpu-isolation.js";
import { echoThroughput } from "./scenarios/echo-throughput.js";
import { reloadUnderLoad } from "./scenarios/reload-under-load.js";
import { streamingFanOut } from "./scenarios/streaming-fan-out.js";

const SCENARIOS: Scenario[] = [echoThroughput, streamingFanOut, cpuIsolation, reloadUnderLoad, coldStartScenario];
/** No scenario may run longer than this; its servers are stopped either way. */
const SCENARIO_TIMEOUT_MS = 180_000;

const wanted = process.argv.slice(2);
const unknown = wanted.filter((id) => !SCENARIOS.some((scenario) => scenario.id === id));
if (unknown.length > 0) {
  console.error(`unknown scenario ${unknown.join(", ")}; known: ${SCENARIOS.map((s) => s.id).join(", ")}`);
  process.exit(2);
}

const machine = await machineInfo();
console.log(`agentscope bench: ${machine.cores} cores (${machine.cpu}), node ${machine.node}, ${machine.date}\n`);
const reports: ScenarioReport[] = [];
for (const scenario of SCENARIOS.filter((s) => wanted.length === 0 || wanted.includes(s.id))) {
  const started = performance.now();
  const steal = stealSeconds();
  const report: ScenarioReport = { id: scenario.id, title: scenario.title, seconds: 0, conditions: { loadAverage: loadAverage(), stealSeconds: 0 } };
  const signal = AbortSignal.timeout(SCENARIO_TIMEOUT_MS);
  // A scenario hands this signal to every request it makes, a thousand at a time.
  setMaxListeners(0, signal);
  try {
    report.result = await scenario.run(signal);
  } catch (error) {
    report.error = error instanceof Error ? (error.stack ?? error.message) : String(error);
  }
  report.seconds = (performance.now() - started) / 1000;
  report.conditions.stealSeconds = stealSeconds() - steal;
  reports.push(report);
  console.log(`${formatScenario(report)}\n`);
}
const full = { machine, scenarios: reports };
console.log(formatTargets(full));
const files = await writeReport(path.join(path.dirname(fileURLToPath(import.meta.url)), "results"), full);
console.log(`\nwrote ${files.map((file) => path.relative(process.cwd(), file)).join(", ")}`);
if (reports.some((report) => report.error !== undefined)) process.exitCode = 1;
