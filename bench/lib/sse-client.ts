import { connect } from "node:net";
import { DONE_FRAME } from "../../src/supervisor/sse-frames.js";

/** What one /invoke stream looked like from the client. */
export interface StreamOutcome {
  /** The HTTP status; 0 when no response came. */
  status: number;
  /** App messages received (error and done frames not counted). */
  messages: number;
  /** Whether the done frame came, and came last. */
  done: boolean;
  /** The error frame's JSON, a socket error's code, or the body of a non-200 answer. */
  error: string | undefined;
  /** From opening the connection to the first message. */
  firstMessageMs: number | undefined;
  /** The first message's JSON, for scenarios that need to know which worker served it. */
  firstMessage: string | undefined;
  /** Milliseconds between consecutive messages as the client received them. */
  gaps: number[];
  durationMs: number;
}

const HEAD_END = Buffer.from("\r\n\r\n");
const BLOCK_END = Buffer.from("\n\n");
const DATA = Buffer.from("data: ");
const DONE_BLOCK = Buffer.from(DONE_FRAME.slice(0, -2));
const ERROR_BLOCK = Buffer.from('data: {"error"');
const LF = 0x0a;

function startsWith(buffer: Buffer, prefix: Buffer, at: number, end: number): boolean {
  return end - at >= prefix.length && buffer.compare(prefix, 0, prefix.length, at, at + prefix.length) === 0;
}

/** Reads a chunked HTTP body, handing each piece of data on as it comes; `ended` once the last chunk is in. */
class ChunkedBody {
  #state: "size" | "data" | "crlf" = "size";
  #sizeLine = "";
  #left = 0;
  ended = false;

  constructor(readonly onData: (data: Buffer) => void) {}

  push(buffer: Buffer, from: number): void {
    let at = from;
    while (at < buffer.length && !this.ended) {
      if (this.#state === "size") {
        const lf = buffer.indexOf(LF, at);
        this.#sizeLine += buffer.toString("latin1", at, lf === -1 ? buffer.length : lf);
        if (lf === -1) return;
        at = lf + 1;
        this.#left = Number.parseInt(this.#sizeLine, 16);
        this.#sizeLine = "";
        if (this.#left === 0) this.ended = true;
        else this.#state = "data";
      } else if (this.#state === "data") {
        const take = Math.min(this.#left, buffer.length - at);
        this.onData(buffer.subarray(at, at + take));
        this.#left -= take;
        at += take;
        if (this.#left === 0) {
          this.#state = "crlf";
          this.#left = 2;
        }
      } else {
        const take = Math.min(this.#left, buffer.length - at);
        at += take;
        this.#left -= take;
        if (this.#left === 0) this.#state = "size";
      }
    }
  }
}

/**
 * POSTs one /invoke over a raw socket and follows its event stream. The
 * client is written for a thousand streams at once on a small machine: no
 * HTTP machinery past the response head, bytes scanned for the blank line
 * that ends each frame, and only the first message and an error frame ever
 * decoded. Never rejects: a failure is in the outcome.
 */
export function streamInvoke(url: string, body: string, options: { signal?: AbortSignal } = {}): Promise<StreamOutcome> {
  const target = new URL(url);
  const started = performance.now();
  const outcome: StreamOutcome = {
    status: 0,
    messages: 0,
    done: false,
    error: undefined,
    firstMessageMs: undefined,
    firstMessage: undefined,
    gaps: [],
    durationMs: 0,
  };
  let now = 0;
  let last = 0;
  /** A frame cut by the end of a read, kept until the rest arrives. */
  let partial: Buffer | undefined;

  const onBlock = (data: Buffer, start: number, end: number): void => {
    if (!startsWith(data, DATA, start, end)) return; // a ": ping" comment
    if (outcome.done) {
      outcome.done = false; // a frame after the done frame: the stream is broken
      outcome.error ??= "frame after the done frame";
    } else if (end - start === DONE_BLOCK.length && startsWith(data, DONE_BLOCK, start, end)) {
      outcome.done = true;
    } else if (startsWith(data, ERROR_BLOCK, start, end)) {
      outcome.error ??= data.toString("utf8", start + DATA.length, end);
    } else {
      outcome.messages++;
      if (outcome.messages === 1) {
        outcome.firstMessageMs = now - started;
        outcome.firstMessage = data.toString("utf8", start + DATA.length, end);
      } else {
        outcome.gaps.push(now - last);
      }
      last = now;
    }
  };

  const onData = (piece: Buffer): void => {
    const data = partial === undefined ? piece : Buffer.concat([partial, piece]);
    let start = 0;
    for (let cut = data.indexOf(BLOCK_END); cut !== -1; cut = data.indexOf(BLOCK_END, start)) {
      onBlock(data, start, cut);
      start = cut + 2;
    }
    partial = start < data.length ? Buffer.from(data.subarray(start)) : undefined;
  };

  return new Promise((resolve) => {
    const socket = connect({ host: target.hostname, port: Number(target.port) });
    let settled = false;
    const finish = (error?: string): void => {
      if (settled) return;
      settled = true;
      if (error !== undefined) outcome.error ??= error;
      outcome.durationMs = performance.now() - started;
      options.signal?.removeEventListener("abort", onAbort);
      socket.destroy();
      resolve(outcome);
    };
    const onAbort = (): void => finish("aborted");
    if (options.signal?.aborted) return finish("aborted");
    options.signal?.addEventListener("abort", onAbort, { once: true });

    let head: Buffer | undefined = Buffer.alloc(0);
    let chunked: ChunkedBody | undefined;
    let text = "";
    let contentLength = Number.POSITIVE_INFINITY;
    socket.setNoDelay(true);
    socket.on("data", (buffer: Buffer) => {
      now = performance.now();
      if (head !== undefined) {
        head = Buffer.concat([head, buffer]);
        const end = head.indexOf(HEAD_END);
        if (end === -1) return;
        const lines = head.toString("latin1", 0, end).split("\r\n");
        outcome.status = Number(lines[0]!.split(" ")[1]);
        const header = (name: string): string | undefined =>
          lines.find((line) => line.toLowerCase().startsWith(`${name}:`))?.slice(name.length + 1).trim();
        if (outcome.status === 200 && header("transfer-encoding")?.toLowerCase() === "chunked") chunked = new ChunkedBody(onData);
        contentLength = Number(header("content-length") ?? Number.POSITIVE_INFINITY);
        buffer = head;
        head = undefined;
        if (chunked) chunked.push(buffer, end + HEAD_END.length);
        else text = buffer.toString("utf8", end + HEAD_END.length);
      } else if (chunked) {
        chunked.push(buffer, 0);
      } else {
        text += buffer.toString("utf8");
      }
      if (chunked?.ended === true) finish(partial === undefined ? undefined : "stream ended inside a frame");
      else if (chunked === undefined && Buffer.byteLength(text) >= contentLength) finish(`HTTP ${outcome.status}: ${text}`);
    });
    socket.on("error", (error: NodeJS.ErrnoException) => finish(error.code ?? error.message));
    socket.on("close", () => finish(chunked === undefined ? `HTTP ${outcome.status}: ${text}` : "connection closed mid-stream"));
    socket.write(
      `POST ${target.pathname} HTTP/1.1\r\nHost: ${target.host}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}

/** The JSON body of an /invoke request for the probe App. */
export function invokeBody(sessionId: string, metadata: Record<string, unknown>, text = "hi"): string {
  return JSON.stringify({ session_id: sessionId, message: { name: "user", role: "user", content: text }, metadata });
}
