import { z } from "zod";
import { MessageFormatError } from "../errors.js";
import { Msg, type MsgDict } from "../message/index.js";
import { HttpError } from "./http-error.js";

export interface InvokeRequest {
  sessionId: string;
  message: MsgDict;
  metadata: Record<string, unknown>;
}

const envelope = z.object({
  session_id: z.string({ error: (issue) => (issue.input === undefined ? "required" : "must be a string") }).min(1, "must not be empty"),
  message: z.unknown().refine((value) => value !== undefined, "required"),
  metadata: z.record(z.string(), z.unknown(), "must be an object").nullish(),
});

/** Parses and validates a POST /invoke body; every problem is a 400 naming its field. */
export function parseInvokeRequest(text: string): InvokeRequest {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw invalid("body: not valid JSON");
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw invalid("body: must be a JSON object");
  const parsed = envelope.safeParse(body);
  if (!parsed.success) {
    throw invalid(parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; "));
  }
  let message: MsgDict;
  try {
    message = Msg.fromDict(parsed.data.message, "message").toDict();
  } catch (error) {
    if (error instanceof MessageFormatError) throw invalid(error.message);
    throw error;
  }
  return { sessionId: parsed.data.session_id, message, metadata: parsed.data.metadata ?? {} };
}

function invalid(message: string): HttpError {
  return new HttpError(400, "INVALID_REQUEST", message);
}
