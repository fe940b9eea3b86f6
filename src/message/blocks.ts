import { z } from "zod";
import { requiredOr, unknownType } from "./issue-messages.js";

/** Who speaks a message. */
export type Role = "user" | "assistant" | "system";

export interface TextBlock {
  type: "text";
  text: string;
}

/** A model's reasoning, kept apart from the answer it gives. */
export interface ThinkingBlock {
  type: "thinking";
  thinking: string;
}

/** A model's request to call a tool; `id` pairs it with its `tool_result`. */
export interface ToolUseBlock {
  type: "tool_use";
  id: string;
  name: string;
  input: Record<string, unknown>;
  /**
   * The arguments exactly as the model wrote them, present only when they
   * were not a JSON object (then `input` is `{}`), so the caller can see and
   * report the model's mistake instead of a crash.
   */
  raw_input?: string;
}

/** What a tool returned, for the `tool_use` block with the same `id`. */
export interface ToolResultBlock {
  type: "tool_result";
  id: string;
  name: string;
  output: string | ContentBlock[];
}

/** Where the bytes of an image, audio or video block are: inline, or behind a URL. */
export type MediaSource = { type: "base64"; media_type: string; data: string } | { type: "url"; url: string };

export interface ImageBlock {
  type: "image";
  source: MediaSource;
}

export interface AudioBlock {
  type: "audio";
  source: MediaSource;
}

export interface VideoBlock {
  type: "video";
  source: MediaSource;
}

/** One piece of a message's content, in the wire shape AgentScope's Python Msg uses. */
export type ContentBlock =
  | TextBlock
  | ThinkingBlock
  | ToolUseBlock
  | ToolResultBlock
  | ImageBlock
  | AudioBlock
  | VideoBlock;

/** Validates a {@link Role}. */
export const roleSchema: z.ZodType<Role> = z.enum(["user", "assistant", "system"]);

/** Validates a {@link MediaSource}. */
export const mediaSourceSchema: z.ZodType<MediaSource> = z.discriminatedUnion(
  "type",
  [
    z.object({ type: z.literal("base64"), media_type: z.string(), data: z.string() }),
    z.object({ type: z.literal("url"), url: z.string() }),
  ],
  { error: unknownType("source") },
);

/** Message content and tool output share one shape: plain text or a list of blocks. */
export const blocksOrStringSchema: z.ZodType<string | ContentBlock[]> = z.union(
  [z.string(), z.array(z.lazy(() => contentBlockSchema))],
  { error: requiredOr("expected a string or an array of blocks") },
);

/**
 * Validates any {@link ContentBlock}. Keys a block type does not define are
 * dropped rather than rejected, so a newer client's extra fields do no harm.
 */
export const contentBlockSchema: z.ZodType<ContentBlock> = z.discriminatedUnion(
  "type",
  [
    z.object({ type: z.literal("text"), text: z.string() }),
    z.object({ type: z.literal("thinking"), thinking: z.string() }),
    z.object({
      type: z.literal("tool_use"),
      id: z.string(),
      name: z.string(),
      input: z.record(z.string(), z.unknown()),
      raw_input: z.string().optional(),
    }),
    z.object({ type: z.literal("tool_result"), id: z.string(), name: z.string(), output: blocksOrStringSchema }),
    z.object({ type: z.literal("image"), source: mediaSourceSchema }),
    z.object({ type: z.literal("audio"), source: mediaSourceSchema }),
    z.object({ type: z.literal("video"), source: mediaSourceSchema }),
  ],
  { error: unknownType("block") },
);
