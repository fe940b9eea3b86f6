import { request, type IncomingHttpHeaders, type IncomingMessage } from "node:http";

export interface HttpResult {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/** One HTTP request over a fresh connection; `body` is sent as JSON unless it is already a string. */
export function httpRequest(
  url: string,
  options: { method?: string; path?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = sendRequest(url, options);
    req.on("response", (res: IncomingMessage) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, text }));
      res.on("error", reject);
    });
    req.on("error", reject);
  });
}

function sendRequest(url: string, options: { method?: string; path?: string; body?: unknown; headers?: Record<string, string> }) {
  const body = options.body === undefined ? undefined : typeof options.body === "string" ? options.body : JSON.stringify(options.body);
  const req = request(new URL(options.path ?? "/", url), {
    method: options.method ?? (body === undefined ? "GET" : "POST"),
    agent: false,
    headers: { ...(body !== undefined && { "Content-Type": "application/json" }), ...options.headers },
  });
  req.end(body);
  return req;
}

/** The parsed `data:` frames of an event stream, in order; comment lines are skipped. */
export function parseFrames(raw: string): unknown[] {
  return raw
    .split("\n\n")
    .filter((block) => block.startsWith("data: "))
    .map((block) => JSON.parse(block.slice("data: ".length)) as unknown);
}

export const DONE = { name: "assistant", role: "assistant", content: "", metadata: { done: true } };

export interface InvokeBody {
  session_id?: unknown;
  message?: unknown;
  metadata?: unknown;
}

export function userMessage(text: string): Record<string, unknown> {
  return { name: "user", role: "user", content: text };
}

/** POST /invoke and read the whole stream. */
export async function invoke(url: string, body: InvokeBody | string, headers?: Record<string, string>) {
  const result = await httpRequest(url, { path: "/invoke", body, ...(headers && { headers }) });
  return { ...result, frames: parseFrames(result.text) };
}

/**
 * POST /invoke and hand back frames one at a time as they arrive, so a test
 * can act mid-stream (disconnect, reload, kill).
 */
export function openStream(url: string, body: InvokeBody) {
  const req = sendRequest(url, { path: "/invoke", body });
  const queue: unknown[] = [];
  let wake: (() => void) | undefined;
  let ended = false;
  let failure: Error | undefined;
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    req.on("response", (res: IncomingMessage) => {
      resolve(res);
      let buffer = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        buffer += chunk;
        let cut: number;
        while ((cut = buffer.indexOf("\n\n")) !== -1) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          if (block.startsWith("data: ")) queue.push(JSON.parse(block.slice(6)));
        }
        wake?.();
      });
      res.on("end", () => {
        ended = true;
        wake?.();
      });
      res.on("error", () => {});
    });
    req.on("error", (error) => {
      failure = error;
      reject(error);
      wake?.();
    });
  });
  response.catch(() => {});

  /** The next frame, or undefined once the stream has ended. */
  async function next(): Promise<unknown> {
    for (;;) {
      if (queue.length > 0) return queue.shift();
      if (failure) throw failure;
      if (ended) return undefined;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  }
  /** Every remaining frame until the end of the stream. */
  async function rest(): Promise<unknown[]> {
    const frames: unknown[] = [];
    for (let frame = await next(); frame !== undefined; frame = await next()) frames.push(frame);
    return frames;
  }
  return { response, next, rest, close: () => req.destroy() };
}
