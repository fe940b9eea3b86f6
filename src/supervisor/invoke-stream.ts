import type { ServerResponse } from "node:http";
import type { StreamSink } from "./generation.js";
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
  /** The stream is over, whichever way. */
  closed(stream: InvokeStream): void;
}

/**
 * One /invoke response: frames are written the moment they arrive, and the
 * done frame always ends it, whatever happened.
 */
export class InvokeStream implements StreamSink {
  readonly #res: ServerResponse;
  readonly #hooks: InvokeStreamHooks;
  readonly #timer: NodeJS.Timeout;
  #ended = false;

  constructor(res: ServerResponse, timeoutMs: number, hooks: InvokeStreamHooks) {
    this.#res = res;
    this.#hooks = hooks;
    res.writeHead(200, SSE_HEADERS);
    this.#timer = setTimeout(this.#onTimeout, timeoutMs);
    res.on("close", this.#onClose);
  }

  write(frames: string): void {
    if (!this.#ended) this.#res.write(frames);
  }

  ping(): void {
    this.write(PING_FRAME);
  }

  finish(tail = ""): void {
    this.#end(tail + DONE_FRAME);
  }

  fail(code: StreamErrorCode, message: string): void {
    this.#end(errorFrame(code, message) + DONE_FRAME);
  }

  #end(last: string): void {
    if (this.#ended) return;
    this.#ended = true;
    clearTimeout(this.#timer);
    this.#res.off("close", this.#onClose);
    this.#res.end(last);
    this.#hooks.closed(this);
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
    this.#hooks.closed(this);
  };
}
