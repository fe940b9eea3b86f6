import { readFileSync, readdirSync } from "node:fs";

/** VmRSS of one process in bytes, from /proc; 0 once it is gone. */
function processRss(pid: number): number {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, "latin1");
  } catch {
    return 0;
  }
  const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
  return kb === undefined ? 0 : Number(kb) * 1024;
}

/** The child processes of `pid`, from every one of its threads' children lists. */
function childrenOf(pid: number): number[] {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const children: number[] = [];
  for (const task of tasks) {
    try {
      for (const child of readFileSync(`/proc/${pid}/task/${task}/children`, "latin1").split(" ")) {
        if (child.trim() !== "") children.push(Number(child));
      }
    } catch {
      // The thread ended between the two reads.
    }
  }
  return children;
}

/** A process and all its descendants. */
function tree(pid: number): number[] {
  const all: number[] = [];
  const pending = [pid];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    all.push(next);
    pending.push(...childrenOf(next));
  }
  return all;
}

/**
 * Summed VmRSS of a process and all its descendants. Worker threads share
 * their process's address space, so the process's own VmRSS covers them.
 */
export function treeRss(pid: number): number {
  return tree(pid).reduce((total, next) => total + processRss(next), 0);
}

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) from a /proc stat file; 0 once the process or thread is gone. */
function statCpu(file: string): number {
  let stat: string;
  try {
    stat = readFileSync(file, "latin1");
  } catch {
    return 0;
  }
  // Fields after the command name, which is in parentheses and may hold spaces: utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** CPU seconds used so far by a process and its descendants. */
export function treeCpuSeconds(pid: number): number {
  return tree(pid).reduce((total, next) => total + statCpu(`/proc/${next}/stat`), 0);
}

/** CPU seconds used so far by a process's main thread alone (for node: its event loop, GC helpers aside). */
export function mainThreadCpuSeconds(pid: number): number {
  return statCpu(`/proc/${pid}/task/${pid}/stat`);
}

/** Samples a process tree's RSS on an interval and keeps the peak. */
export class RssSampler {
  readonly #pid: number;
  readonly #everyMs: number;
  #timer: NodeJS.Timeout | undefined;
  #peak = 0;
  #samples = 0;

  constructor(pid: number, everyMs = 100) {
    this.#pid = pid;
    this.#everyMs = everyMs;
  }

  start(): void {
    if (this.#timer !== undefined) return;
    this.#sample();
    this.#timer = setInterval(() => this.#sample(), this.#everyMs);
  }

  /** Stops sampling (idempotent) and gives the peak in MiB and how many samples it saw. */
  close(): { peakMb: number; samples: number } {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#sample();
    return { peakMb: this.#peak / (1024 * 1024), samples: this.#samples };
  }

  #sample(): void {
    this.#samples++;
    this.#peak = Math.max(this.#peak, treeRss(this.#pid));
  }
}
