/**
 * The bytes of the /invoke event stream (DESIGN.md §4), built in one place so
 * the worker and the supervisor write identical frames.
 */

/** Error codes a stream can end with. */
export type StreamErrorCode = "APP_ERROR" | "WORKER_CRASHED" | "TIMEOUT" | "RELOADED" | "SHUTTING_DOWN";

/** One frame around an already-serialized JSON value. */
export function dataFrame(json: string): string {
  return `data: ${json}\n\n`;
}

export function errorFrame(code: StreamErrorCode, message: string): string {
  return dataFrame(JSON.stringify({ error: { code, message } }));
}

/** The last frame of every stream, whatever happened before it. */
export const DONE_FRAME = dataFrame(JSON.stringify({ name: "assistant", role: "assistant", content: "", metadata: { done: true } }));

/** Keeps idle proxies from cutting a slow stream. */
export const PING_FRAME = ": ping\n\n";
