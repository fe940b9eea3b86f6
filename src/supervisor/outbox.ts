import type { WorkerEvent, WorkerMetricEvent } from "./worker-protocol.js";

/**
 * Collects a worker's frames and stream ends during one turn of its event
 * loop and posts them as a single batch on the next: nothing waits longer
 * than that turn, and a busy worker sends one message instead of hundreds.
 */
export class Outbox {
  readonly #post: (event: WorkerEvent) => void;
  #frames = new Map<number, [data: string, messages: number]>();
  #ended: number[] = [];
  #appErrors: number[] = [];
  #events: WorkerMetricEvent[] = [];
  #scheduled = false;

  constructor(post: (event: WorkerEvent) => void) {
    this.#post = post;
  }

  /** A frame of stream `id`; `message` says whether it carries an App message (not an error). */
  frame(id: number, data: string, message = true): void {
    const pending = this.#frames.get(id);
    const count = message ? 1 : 0;
    this.#frames.set(id, pending === undefined ? [data, count] : [pending[0] + data, pending[1] + count]);
    this.#schedule();
  }

  appError(id: number, data: string): void {
    this.frame(id, data, false);
    this.#appErrors.push(id);
  }

  event(event: WorkerMetricEvent): void {
    this.#events.push(event);
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
    const frames: Array<[number, string, number]> = [];
    for (const [id, [data, messages]] of this.#frames) frames.push([id, data, messages]);
    const batch: WorkerEvent = { t: "batch", frames, ended: this.#ended, appErrors: this.#appErrors, events: this.#events };
    this.#frames = new Map();
    this.#ended = [];
    this.#appErrors = [];
    this.#events = [];
    this.#post(batch);
  };
}
