import type { Table } from "./table.js";

/** One target of a scenario, judged but never failing the run. */
export interface TargetCheck {
  /** What is measured, e.g. "workers=1 req/s vs bare". */
  name: string;
  /** The goal in words, e.g. "≥ 0.5". */
  target: string;
  /** The measured value as reported. */
  measured: string;
  met: boolean;
}

export interface ScenarioResult {
  /** How the load was made: the commands and their parameters, for the report. */
  params: Record<string, string | number>;
  table: Table;
  targets: TargetCheck[];
  /** What a reader should know to read the numbers. */
  notes: string[];
  /** Per-round numbers, for latest.json. */
  raw: unknown;
}

export interface Scenario {
  /** The name on the command line: `tsx bench/run.ts <id>…` runs only those. */
  id: string;
  title: string;
  run(signal: AbortSignal): Promise<ScenarioResult>;
}
