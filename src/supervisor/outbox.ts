import type { WorkerEvent } from "./worker-protocol.js";

/**
 * Collects a worker's frames and stream ends during one turn of its event
 * loop and posts them as a single batch on the next: nothing waits longer
 * than that turn, and a busy worker sends one message instead of hundreds.
 */
export class Outbox {
  readonly #post: (event: WorkerEvent) => void;
  #frames = new Map<number, string>();
  #ended: number[] = [];
  #scheduled = false;

  constructor(post: (event: WorkerEvent) => void) {
    this.#post = post;
  }

  frame(id: number, data: string): void {
    const pending = this.#frames.get(id);
    this.#frames.set(id, pending === undefined ? data : pending + data);
    this.#schedule();
  }

  end(id: number): void {
    this.#ended.push(id);
    this.#schedule();
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(this.#flush);
  }

  readonly #flush = (): void => {
    this.#scheduled = false;
    const frames = [...this.#frames];
    const ended = this.#ended;
    this.#frames = new Map();
    this.#ended = [];
    this.#post({ t: "batch", frames, ended });
  };
}
