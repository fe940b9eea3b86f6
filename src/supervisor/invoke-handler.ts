import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "../logging/logger.js";
import { bearerMatches } from "./bearer.js";
import type { Generation } from "./generation.js";
import { HttpError, sendError } from "./http-error.js";
import { InvokeStream } from "./invoke-stream.js";
import { parseInvokeRequest } from "./invoke-request.js";
import { readBody } from "./read-body.js";
import type { InvokeOutcome, Metrics } from "./metrics.js";
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
  readonly metrics: Metrics;
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
    const started = performance.now();
    const requestId = requestIdOf(req);
    handle(req, res, requestId, started).catch((error: unknown) => {
      context.metrics.request(outcomeOf(error));
      if (res.destroyed) return; // the client left while waiting: nobody to answer
      if (!(error instanceof HttpError)) context.log.error({ requestId, err: error }, "invoke failed before streaming");
      sendError(res, error, { "X-Request-Id": requestId });
    });
  };

  async function handle(req: IncomingMessage, res: ServerResponse, requestId: string, started: number): Promise<void> {
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
    const { sessionId } = request;
    const stream = new InvokeStream(
      res,
      context.requestTimeoutMs(),
      {
        cancel: () => generation.cancel(id),
        closed: (ended, outcome, seconds, firstMessageSeconds) => {
          context.streams.delete(ended);
          release();
          context.metrics.streamEnded(outcome, seconds);
          if (firstMessageSeconds !== undefined) context.metrics.firstMessage(firstMessageSeconds);
          if (context.log.isLevelEnabled("debug")) context.log.debug({ requestId, sessionId, outcome, seconds }, "invoke finished");
        },
      },
      started,
      { "X-Request-Id": requestId },
    );
    context.streams.add(stream);
    generation.dispatch({ id, requestId, sessionId, message: request.message, metadata: request.metadata }, stream);
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

/** The client's X-Request-Id when it is a sane token, else a new one; echoed in the response and logs. */
function requestIdOf(req: IncomingMessage): string {
  const given = req.headers["x-request-id"];
  if (typeof given === "string" && /^[\w.:@/+=-]{1,128}$/.test(given)) return given;
  return randomUUID();
}

const OUTCOME_OF_CODE: Record<string, InvokeOutcome> = {
  INVALID_REQUEST: "invalid_request",
  UNAUTHORIZED: "unauthorized",
  PAYLOAD_TOO_LARGE: "payload_too_large",
  OVERLOADED: "overloaded",
  NOT_READY: "not_ready",
  SESSION_BUSY: "session_busy",
};

function outcomeOf(error: unknown): InvokeOutcome {
  if (error instanceof HttpError) return OUTCOME_OF_CODE[error.code] ?? "internal";
  return error instanceof Error && error.name === "AbortError" ? "cancelled" : "internal";
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
