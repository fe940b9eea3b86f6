import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "../logging/logger.js";
import { bearerMatches } from "./bearer.js";
import type { Generation } from "./generation.js";
import { HttpError, sendError } from "./http-error.js";
import { InvokeStream } from "./invoke-stream.js";
import { parseInvokeRequest } from "./invoke-request.js";
import { readBody } from "./read-body.js";
import type { SessionGate } from "./session-gate.js";

/** What /invoke needs from the server around it, read afresh for every request. */
export interface InvokeContext {
  /** The generation new requests go to; undefined while none is serving. */
  generation(): Generation | undefined;
  bodyLimit(): number;
  authToken(): string | undefined;
  requestTimeoutMs(): number;
  /** How long a request waits behind its session's running turn. */
  sessionWaitMs(): number;
  /** One turn at a time per session. */
  readonly sessions: SessionGate;
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
      if (res.destroyed) return; // the client left while waiting: nobody to answer
      if (!(error instanceof HttpError)) context.log.error({ err: error }, "invoke failed before streaming");
      sendError(res, error);
    });
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    checkAuth(req, context.authToken());
    const request = parseInvokeRequest(await readBody(req, context.bodyLimit()));
    if (context.generation() === undefined) throw notReady();
    const release = await waitForTurn(request.sessionId, res);
    const generation = context.generation();
    try {
      if (generation === undefined) throw notReady();
      if (generation.saturated) {
        throw new HttpError(503, "OVERLOADED", "every worker is busy and the queue is full (server.max_queue)", { "Retry-After": "1" });
      }
    } catch (error) {
      release();
      throw error;
    }
    const id = ++nextId;
    const stream = new InvokeStream(res, context.requestTimeoutMs(), {
      cancel: () => generation.cancel(id),
      closed: (ended) => {
        context.streams.delete(ended);
        release();
      },
    });
    context.streams.add(stream);
    generation.dispatch({ id, sessionId: request.sessionId, message: request.message, metadata: request.metadata }, stream);
  }

  /** The session's turn; a client that leaves while waiting gives up its place. */
  async function waitForTurn(sessionId: string, res: ServerResponse): Promise<() => void> {
    const gone = new AbortController();
    const onClose = (): void => gone.abort(new DOMException("the client went away", "AbortError"));
    res.once("close", onClose);
    try {
      const turn = context.sessions.acquire(sessionId, context.sessionWaitMs(), gone.signal);
      return turn instanceof Promise ? await turn : turn;
    } finally {
      res.off("close", onClose);
    }
  }
}

function notReady(): HttpError {
  return new HttpError(503, "NOT_READY", "the server is starting or shutting down", { "Retry-After": "1" });
}

function checkAuth(req: IncomingMessage, token: string | undefined): void {
  if (token === undefined || bearerMatches(req.headers.authorization, token)) return;
  throw new HttpError(401, "UNAUTHORIZED", "missing or wrong bearer token (Authorization: Bearer <server.auth_token>)", {
    "WWW-Authenticate": "Bearer",
  });
}
