import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "../logging/logger.js";
import type { Generation } from "./generation.js";
import { HttpError, sendError } from "./http-error.js";
import { InvokeStream } from "./invoke-stream.js";
import { parseInvokeRequest } from "./invoke-request.js";
import { readBody } from "./read-body.js";

/** What /invoke needs from the server around it, read afresh for every request. */
export interface InvokeContext {
  /** The generation new requests go to; undefined while none is serving. */
  generation(): Generation | undefined;
  bodyLimit(): number;
  authToken(): string | undefined;
  requestTimeoutMs(): number;
  /** Every open stream, for keep-alive pings and drain. */
  readonly streams: Set<InvokeStream>;
  readonly log: Logger;
}

/**
 * POST /invoke, written on node:http directly: it is the hot path, and a
 * framework's per-request work would cost more than half its throughput.
 */
export function createInvokeHandler(context: InvokeContext): (req: IncomingMessage, res: ServerResponse) => void {
  let nextId = 0;
  return (req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!(error instanceof HttpError)) context.log.error({ err: error }, "invoke failed before streaming");
      sendError(res, error);
    });
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    checkAuth(req, context.authToken());
    const request = parseInvokeRequest(await readBody(req, context.bodyLimit()));
    const generation = context.generation();
    if (generation === undefined) throw new HttpError(503, "NOT_READY", "the server is starting or shutting down", { "Retry-After": "1" });
    if (generation.saturated) {
      throw new HttpError(503, "OVERLOADED", "every worker is busy and the queue is full (server.max_queue)", { "Retry-After": "1" });
    }
    const id = ++nextId;
    const stream = new InvokeStream(res, context.requestTimeoutMs(), {
      cancel: () => generation.cancel(id),
      closed: (ended) => context.streams.delete(ended),
    });
    context.streams.add(stream);
    generation.dispatch({ id, sessionId: request.sessionId, message: request.message, metadata: request.metadata }, stream);
  }
}

function checkAuth(req: IncomingMessage, token: string | undefined): void {
  if (token === undefined) return;
  const header = req.headers.authorization ?? "";
  const given = Buffer.from(header.startsWith("Bearer ") ? header.slice(7) : "");
  const expected = Buffer.from(token);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new HttpError(401, "UNAUTHORIZED", "missing or wrong bearer token (Authorization: Bearer <server.auth_token>)", {
      "WWW-Authenticate": "Bearer",
    });
  }
}
