import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const CLI = path.join(REPO_ROOT, "dist/bin/agentscope.js");

export interface LogLine {
  level: string;
  msg: string;
  [key: string]: unknown;
}

/** A running (or finished) `agentscope` child process. */
export class AgentscopeProcess {
  readonly child: ChildProcess;
  readonly logs: LogLine[] = [];
  stdout = "";
  stderr = "";
  readonly exited: Promise<number | null>;
  readonly #waiters: Array<{ test: (line: LogLine) => boolean; resolve: (line: LogLine) => void }> = [];

  constructor(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
    this.child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd ?? REPO_ROOT,
      env: { ...process.env, ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.exited = once(this.child, "close").then(([code]) => code as number | null);
    this.child.stderr!.setEncoding("utf8").on("data", (text: string) => (this.stderr += text));
    createInterface({ input: this.child.stdout! }).on("line", (text) => {
      this.stdout += `${text}\n`;
      let line: LogLine;
      try {
        line = JSON.parse(text) as LogLine;
      } catch {
        return;
      }
      this.logs.push(line);
      for (const waiter of [...this.#waiters]) {
        if (waiter.test(line)) {
          this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
          waiter.resolve(line);
        }
      }
    });
  }

  /** The first log line (past or future) that passes `test`; rejects if the process exits first. */
  waitForLog(test: (line: LogLine) => boolean): Promise<LogLine> {
    const seen = this.logs.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      this.#waiters.push({ test, resolve });
      this.exited.then(
        (code) => reject(new Error(`agentscope exited with ${code} before the expected log line\n${this.stderr}${this.stdout}`)),
        reject,
      );
    });
  }

  /** Sends a signal and waits for the exit code. */
  async stop(signal: NodeJS.Signals = "SIGTERM"): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }

  /** Ends the process whatever its state; for `after` hooks. */
  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
    await this.exited;
  }
}

/** Runs `agentscope run <project>` on a free loopback port and waits until it serves. */
export async function startServer(
  project: string | undefined,
  options: { args?: readonly string[]; env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<{ url: string; proc: AgentscopeProcess }> {
  const proc = new AgentscopeProcess(
    ["run", ...(project === undefined ? [] : [project]), "--host", "127.0.0.1", "--port", "0", "--no-platform", ...(options.args ?? [])],
    { ...(options.env && { env: options.env }), ...(options.cwd && { cwd: options.cwd }) },
  );
  try {
    const ready = await proc.waitForLog((line) => line.msg === "ready");
    return { url: ready["url"] as string, proc };
  } catch (error) {
    await proc.kill();
    throw error;
  }
}

/** Runs a command to completion. */
export async function runCli(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const proc = new AgentscopeProcess(args, options);
  const code = await proc.exited;
  return { code, stdout: proc.stdout, stderr: proc.stderr };
}
