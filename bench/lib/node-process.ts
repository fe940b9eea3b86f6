import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { raceAbort } from "../../src/abort.js";
import { REPO_ROOT } from "../../test/helpers/agentscope-process.js";

const STOP_MS = 20_000;

/**
 * A node child process whose stdout is read as JSON lines, for servers that
 * announce themselves with one (`{"url":…}` or agentscope's log lines).
 */
export class NodeProcess {
  readonly child: ChildProcess;
  readonly #exited: Promise<unknown>;
  readonly #lines: Array<Record<string, unknown>> = [];
  readonly #waiters = new Set<() => void>();
  #stderr = "";
  #stopping: Promise<void> | undefined;

  constructor(args: readonly string[]) {
    this.child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
    this.#exited = once(this.child, "close");
    this.#exited.then(
      () => this.#wake(),
      () => this.#wake(),
    );
    this.child.stderr!.setEncoding("utf8").on("data", (text: string) => (this.#stderr = (this.#stderr + text).slice(-4000)));
    createInterface({ input: this.child.stdout! }).on("line", (text) => {
      try {
        this.#lines.push(JSON.parse(text) as Record<string, unknown>);
      } catch {
        return;
      }
      this.#wake();
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** The first stdout JSON line (past or future) that passes `test`; rejects if the process exits first. */
  async waitForLine(test: (line: Record<string, unknown>) => boolean, signal: AbortSignal): Promise<Record<string, unknown>> {
    for (;;) {
      const line = this.#lines.find(test);
      if (line !== undefined) return line;
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        throw new Error(`${this.child.spawnargs.slice(1, 3).join(" ")} exited before the expected line:\n${this.#stderr}`);
      }
      let wake!: () => void;
      const woken = new Promise<void>((resolve) => (wake = resolve));
      this.#waiters.add(wake);
      try {
        await raceAbort(woken, signal);
      } finally {
        this.#waiters.delete(wake);
      }
    }
  }

  /** SIGTERM, then SIGKILL after 20 s. Idempotent. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGTERM");
      const timer = setTimeout(() => this.child.kill("SIGKILL"), STOP_MS);
      await this.#exited;
      clearTimeout(timer);
    })();
    return this.#stopping;
  }

  #wake(): void {
    for (const wake of this.#waiters) wake();
  }
}
