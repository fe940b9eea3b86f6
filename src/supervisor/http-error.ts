import type { ServerResponse } from "node:http";
import { AgentScopeError } from "../errors.js";

export type HttpErrorCode =
  | "INVALID_REQUEST"
  | "PAYLOAD_TOO_LARGE"
  | "UNAUTHORIZED"
  | "NOT_FOUND"
  | "METHOD_NOT_ALLOWED"
  | "OVERLOADED"
  | "NOT_READY"
  | "SESSION_BUSY"
  | "INTERNAL";

/** An error that knows the HTTP answer it becomes: `{"error":{"code","message"}}`. */
export class HttpError extends AgentScopeError {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, code: HttpErrorCode, message: string, headers: Record<string, string> = {}) {
    super(code, message);
    this.status = status;
    this.headers = headers;
  }
}

/** Writes the one error body shape; anything that is not an HttpError becomes a 500 that reveals nothing. */
export function sendError(res: ServerResponse, error: unknown, headers: Record<string, string> = {}): void {
  const known = error instanceof HttpError ? error : new HttpError(500, "INTERNAL", "internal error");
  const body = JSON.stringify({ error: { code: known.code, message: known.message } });
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(known.status, {
    ...headers,
    ...known.headers,
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(body),
  });
  res.end(body);
}
