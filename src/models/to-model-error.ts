import { errorMessage } from "../errors.js";
import { ModelError } from "./model-error.js";

export interface ModelErrorContext {
  provider: string;
  model: string;
  /** Scrubbed from every message, should a provider or SDK echo it. */
  apiKey?: string;
  /** An abort through this signal is passed on as it is, not wrapped. */
  signal?: AbortSignal;
}

const RETRYABLE_STATUS = new Set([408, 409, 425, 429, 500, 502, 503, 504, 529]);
const CONNECTION_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "UND_ERR_SOCKET"]);

/**
 * Turns whatever an SDK threw into a ModelError with the HTTP status (when
 * there was one) and whether a retry may help. Aborts pass through untouched,
 * so callers can tell "cancelled" from "failed".
 */
export function toModelError(error: unknown, context: ModelErrorContext): unknown {
  if (error instanceof ModelError) return error;
  if (context.signal?.aborted === true || isAbort(error)) return error;
  const status = statusOf(error);
  const connection = connectionCode(error);
  let message: string;
  // SDKs often start their message with the status already.
  if (status !== undefined) message = errorMessage(error).startsWith(String(status)) ? `HTTP ${errorMessage(error)}` : `HTTP ${status}: ${errorMessage(error)}`;
  else if (connection !== undefined) message = `cannot reach the provider (${connection}): ${errorMessage(error)}`;
  else message = errorMessage(error);
  return new ModelError(
    scrub(message, context.apiKey),
    {
      provider: context.provider,
      model: context.model,
      ...(status !== undefined && { status }),
      retryable: status !== undefined ? RETRYABLE_STATUS.has(status) : connection !== undefined,
    },
    // The cause keeps the SDK's error for debugging; its own text may hold the key, so scrub it too.
    { cause: scrubbedCause(error, context.apiKey) },
  );
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === "AbortError" || error.name === "APIUserAbortError");
}

function statusOf(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const status = (error as { status?: unknown; status_code?: unknown }).status ?? (error as { status_code?: unknown }).status_code;
  return typeof status === "number" && status >= 100 && status < 600 ? status : undefined;
}

/** A socket-level failure code found on the error or along its cause chain. */
function connectionCode(error: unknown): string | undefined {
  let sawConnectionMessage = false;
  for (let current: unknown = error, depth = 0; current !== undefined && current !== null && depth < 8; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && CONNECTION_CODES.has(code)) return code;
    if (current instanceof Error && /connection error|fetch failed|ECONNREFUSED|socket hang up/i.test(current.message)) {
      sawConnectionMessage = true;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return sawConnectionMessage ? "connection failed" : undefined;
}

export function scrub(text: string, secret: string | undefined): string {
  if (secret === undefined || secret.length < 4) return text;
  return text.split(secret).join("***");
}

function scrubbedCause(error: unknown, secret: string | undefined): unknown {
  if (!(error instanceof Error) || secret === undefined) return error;
  if (!error.message.includes(secret) && !(error.stack ?? "").includes(secret)) return error;
  const copy = new Error(scrub(error.message, secret));
  copy.name = error.name;
  copy.stack = scrub(error.stack ?? "", secret);
  return copy;
}
