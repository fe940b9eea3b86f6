import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { MachineInfo } from "./machine.js";
import type { ScenarioResult } from "./scenario.js";
import { formatTable, markdownTable, type Table } from "./table.js";

/** One scenario's entry in the report: its result, or why it has none. */
export interface ScenarioReport {
  id: string;
  title: string;
  seconds: number;
  /** The 1-minute load average as the scenario began, and the CPU steal seconds during it. */
  conditions: { loadAverage: number; stealSeconds: number };
  result?: ScenarioResult;
  error?: string;
}

export interface Report {
  machine: MachineInfo;
  scenarios: ScenarioReport[];
}

function targetsTable(report: Report): Table {
  const rows: Table["rows"] = [];
  for (const scenario of report.scenarios) {
    if (scenario.error !== undefined) rows.push([scenario.id, "(scenario failed)", "-", scenario.error.split("\n")[0]!, "ERROR"]);
    for (const check of scenario.result?.targets ?? []) rows.push([scenario.id, check.name, check.target, check.measured, check.met ? "met" : "MISSED"]);
  }
  return { columns: ["scenario", "measure", "target", "measured", "verdict"], rows };
}

function conditions(scenario: ScenarioReport): string {
  return `load average ${scenario.conditions.loadAverage.toFixed(2)} at start, CPU steal ${scenario.conditions.stealSeconds.toFixed(1)} s`;
}

/** The human-readable text of one scenario, for the console. */
export function formatScenario(scenario: ScenarioReport): string {
  const lines = [`## ${scenario.title} (${scenario.id}, ${scenario.seconds.toFixed(0)} s, ${conditions(scenario)})`];
  if (scenario.error !== undefined) return [...lines, `FAILED: ${scenario.error}`].join("\n");
  const result = scenario.result!;
  for (const [key, value] of Object.entries(result.params)) lines.push(`  ${key}: ${value}`);
  lines.push("", formatTable(result.table));
  for (const note of result.notes) lines.push(`  note: ${note}`);
  return lines.join("\n");
}

export function formatTargets(report: Report): string {
  return `## Targets (reported, never failing the run)\n${formatTable(targetsTable(report))}`;
}

function markdown(report: Report): string {
  const { machine } = report;
  const out = [
    "# agentscope benchmarks",
    "",
    "Written by `npm run bench` (bench/run.ts); every server measured was started by the run itself, on loopback.",
    "",
    "| machine | |",
    "| --- | --- |",
    `| date | ${machine.date} |`,
    `| cores | ${machine.cores} (${machine.cpu}) |`,
    `| memory | ${machine.memoryGb} GiB |`,
    `| os | ${machine.os} |`,
    `| node | ${machine.node} |`,
    `| wrk | ${machine.wrk} |`,
    "",
    "## Targets",
    "",
    "Reported, never failing the run.",
    "",
    markdownTable(targetsTable(report)),
  ];
  for (const scenario of report.scenarios) {
    out.push("", `## ${scenario.title}`, "", `\`${scenario.id}\`, ${scenario.seconds.toFixed(0)} s; ${conditions(scenario)}.`, "");
    if (scenario.error !== undefined) {
      out.push("The scenario failed:", "", "```", scenario.error, "```");
      continue;
    }
    const result = scenario.result!;
    for (const [key, value] of Object.entries(result.params)) out.push(`- ${key}: \`${value}\``);
    out.push("", markdownTable(result.table));
    if (result.notes.length > 0) out.push("", ...result.notes.map((note) => `- ${note}`));
  }
  return `${out.join("\n")}\n`;
}

/** Writes `latest.json` and `latest.md` into `dir`. */
export async function writeReport(dir: string, report: Report): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files = [path.join(dir, "latest.json"), path.join(dir, "latest.md")];
  await writeFile(files[0]!, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(files[1]!, markdown(report));
  return files;
}
