import type { ServerResponse } from "node:http";
import type { StreamSink } from "./generation.js";
import type { InvokeOutcome } from "./metrics.js";
import { DONE_FRAME, PING_FRAME, errorFrame, type StreamErrorCode } from "./sse-frames.js";

const SSE_HEADERS = {
  "Content-Type": "text/event-stream",
  "Cache-Control": "no-cache",
  Connection: "keep-alive",
  "X-Accel-Buffering": "no",
};

export interface InvokeStreamHooks {
  /** The client went away or the stream timed out: stop the work behind it. */
  cancel(): void;
  /** The stream is over, whichever way; `firstMessageSeconds` is undefined when the App yielded nothing. */
  closed(stream: InvokeStream, outcome: InvokeOutcome, seconds: number, firstMessageSeconds: number | undefined): void;
}

const OUTCOME_OF: Record<StreamErrorCode, InvokeOutcome> = {
  APP_ERROR: "app_error",
  WORKER_CRASHED: "worker_crashed",
  TIMEOUT: "timeout",
  RELOADED: "reloaded",
  SHUTTING_DOWN: "shutting_down",
};

/**
 * One /invoke response: frames are written the moment they arrive, and the
 * done frame always ends it, whatever happened.
 */
export class InvokeStream implements StreamSink {
  readonly #res: ServerResponse;
  readonly #hooks: InvokeStreamHooks;
  readonly #timer: NodeJS.Timeout;
  readonly #started: number;
  #firstMessage: number | undefined;
  #appFailed = false;
  #ended = false;

  constructor(res: ServerResponse, timeoutMs: number, hooks: InvokeStreamHooks, started = performance.now(), headers: Record<string, string> = {}) {
    this.#res = res;
    this.#hooks = hooks;
    this.#started = started;
    res.writeHead(200, { ...SSE_HEADERS, ...headers });
    this.#timer = setTimeout(this.#onTimeout, timeoutMs);
    res.on("close", this.#onClose);
  }

  write(frames: string, messages = 0): void {
    if (this.#ended) return;
    if (messages > 0) this.#firstMessage ??= performance.now();
    this.#res.write(frames);
  }

  ping(): void {
    if (!this.#ended) this.#res.write(PING_FRAME);
  }

  appFailed(): void {
    this.#appFailed = true;
  }

  finish(tail = "", messages = 0): void {
    if (messages > 0) this.#firstMessage ??= performance.now();
    this.#end(tail + DONE_FRAME, this.#appFailed ? "app_error" : "ok");
  }

  fail(code: StreamErrorCode, message: string): void {
    this.#end(errorFrame(code, message) + DONE_FRAME, OUTCOME_OF[code]);
  }

  #end(last: string, outcome: InvokeOutcome): void {
    if (this.#ended) return;
    this.#ended = true;
    clearTimeout(this.#timer);
    this.#res.off("close", this.#onClose);
    this.#res.end(last);
    this.#closed(outcome);
  }

  #closed(outcome: InvokeOutcome): void {
    const now = performance.now();
    const first = this.#firstMessage === undefined ? undefined : (this.#firstMessage - this.#started) / 1000;
    this.#hooks.closed(this, outcome, (now - this.#started) / 1000, first);
  }

  readonly #onTimeout = (): void => {
    this.#hooks.cancel();
    this.fail("TIMEOUT", "the request took longer than server.request_timeout");
  };

  readonly #onClose = (): void => {
    if (this.#ended) return;
    this.#ended = true;
    clearTimeout(this.#timer);
    this.#hooks.cancel();
    this.#closed("cancelled");
  };
}
