import { execFile } from "node:child_process";
import { promisify } from "node:util";

const exec = promisify(execFile);

export interface WrkOptions {
  url: string;
  /** A Lua script for wrk's `-s`. */
  script: string;
  threads: number;
  connections: number;
  durationSeconds: number;
  signal?: AbortSignal;
}

export interface WrkResult {
  requests: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Non-2xx answers plus socket errors (connect, read, write, timeout). */
  errors: number;
}

/** The command line `runWrk` runs, for the report. */
export function wrkArgs(options: WrkOptions): string[] {
  return [`-t${options.threads}`, `-c${options.connections}`, `-d${options.durationSeconds}s`, "--latency", "-s", options.script, options.url];
}

/** Runs wrk once and parses its report. */
export async function runWrk(options: WrkOptions): Promise<WrkResult> {
  const { stdout } = await exec("wrk", wrkArgs(options), { ...(options.signal && { signal: options.signal }) });
  return parseWrk(stdout);
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

function latencyMs(text: string, percent: string): number {
  const match = new RegExp(`^\\s*${percent}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, "m").exec(text);
  return match ? Number(match[1]) * UNIT_MS[match[2]!]! : Number.NaN;
}

/** Reads wrk's text report (run with --latency). */
export function parseWrk(stdout: string): WrkResult {
  const requests = Number(/(\d+) requests in/.exec(stdout)?.[1]);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1]);
  if (!Number.isFinite(requests) || !Number.isFinite(rps)) throw new Error(`cannot read wrk's report:\n${stdout}`);
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(stdout)?.[1] ?? 0);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
  const socketErrors = socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  return { requests, rps, p50Ms: latencyMs(stdout, "50"), p99Ms: latencyMs(stdout, "99"), errors: non2xx + socketErrors };
}
