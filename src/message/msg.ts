import { randomUUID } from "node:crypto";
import { z } from "zod";
import { MessageFormatError } from "../errors.js";
import { blocksOrStringSchema, roleSchema, type ContentBlock, type Role } from "./blocks.js";
import { formatIssues, issueMessage } from "./issue-messages.js";
import { formatTimestamp } from "./timestamp.js";

/** A message as JSON on the wire (section 4 of the design), as `toDict()` gives it. */
export type MsgDict = {
  id: string;
  name: string;
  role: Role;
  content: string | ContentBlock[];
  metadata: Record<string, unknown>;
  timestamp: string;
};

export interface MsgInit {
  /** Defaults to a fresh 32-hex-digit id. */
  id?: string;
  name: string;
  role: Role;
  content: string | ContentBlock[];
  /** Defaults to `{}`. */
  metadata?: Record<string, unknown>;
  /** Defaults to now, local time, `YYYY-MM-DD HH:MM:SS.mmm`. */
  timestamp?: string;
}

// Python clients send `null` for fields they leave unset.
const msgDictSchema = z.object({
  id: z.string().nullish(),
  name: z.string(),
  role: roleSchema,
  content: blocksOrStringSchema,
  metadata: z.record(z.string(), z.unknown()).nullish(),
  timestamp: z.string().nullish(),
});

// A thousand bad blocks should not make a thousand-line HTTP 400.
const MAX_PROBLEMS = 10;

type BlockOf<T extends ContentBlock["type"]> = Extract<ContentBlock, { type: T }>;

/**
 * One message between a user, an agent and its tools: what `App.call` receives
 * and yields, and what each SSE frame carries.
 *
 * @example
 * const reply = new Msg({ name: "assistant", role: "assistant", content: "Hello!" });
 * res.write(`data: ${JSON.stringify(reply.toDict())}\n\n`);
 * const incoming = Msg.fromDict(JSON.parse(body).message);
 */
export class Msg {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  // Left mutable: a streaming agent grows one message's content in place, and
  // apps annotate metadata on the way out.
  content: string | ContentBlock[];
  metadata: Record<string, unknown>;
  readonly timestamp: string;

  /** Trusts its typed input: it runs for every streamed frame, so it validates nothing. */
  constructor(init: MsgInit) {
    this.id = init.id ?? randomUUID().replaceAll("-", "");
    this.name = init.name;
    this.role = init.role;
    this.content = init.content;
    this.metadata = init.metadata ?? {};
    this.timestamp = init.timestamp ?? formatTimestamp(new Date());
  }

  /** The JSON shape; shares `content` and `metadata` with this message rather than copying them. */
  toDict(): MsgDict {
    return {
      id: this.id,
      name: this.name,
      role: this.role,
      content: this.content,
      metadata: this.metadata,
      timestamp: this.timestamp,
    };
  }

  /**
   * Checks an untrusted value (a request body, a message from another thread)
   * and builds a Msg from it. Unknown keys are dropped; a missing id, metadata
   * or timestamp is filled in as the constructor would.
   *
   * @param path How the value is named in errors, e.g. `request.message`.
   * @throws MessageFormatError naming every problem, e.g.
   *   `message.role: must be one of user, assistant, system; message.content[0].type: unknown block type "foo"`.
   */
  static fromDict(value: unknown, path = "message"): Msg {
    // Checked here so every non-object reads the same, `undefined` included.
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw new MessageFormatError(`${path}: expected an object`);
    }
    const result = msgDictSchema.safeParse(value, { error: issueMessage });
    if (!result.success) throw new MessageFormatError(summarize(formatIssues(result.error.issues, path)));
    const { id, name, role, content, metadata, timestamp } = result.data;
    return new Msg({
      id: id ?? undefined,
      name,
      role,
      content,
      metadata: metadata ?? undefined,
      timestamp: timestamp ?? undefined,
    });
  }

  /** String content as is; otherwise the text blocks joined by newlines ("" when there are none). */
  getTextContent(): string {
    if (typeof this.content === "string") return this.content;
    const texts: string[] = [];
    for (const block of this.content) if (block.type === "text") texts.push(block.text);
    return texts.join("\n");
  }

  /** The blocks of one type, or all of them; string content counts as one text block. */
  getContentBlocks<T extends ContentBlock["type"] = ContentBlock["type"]>(type?: T): BlockOf<T>[] {
    const blocks: ContentBlock[] =
      typeof this.content === "string" ? [{ type: "text", text: this.content }] : this.content;
    if (type === undefined) return blocks.slice() as BlockOf<T>[];
    return blocks.filter((block): block is BlockOf<T> => block.type === type);
  }

  /** Whether the content holds at least one block of `type`. */
  hasContentBlocks(type: ContentBlock["type"]): boolean {
    if (typeof this.content === "string") return type === "text";
    return this.content.some((block) => block.type === type);
  }
}

function summarize(problems: readonly string[]): string {
  const shown = problems.slice(0, MAX_PROBLEMS).join("; ");
  const more = problems.length - MAX_PROBLEMS;
  return more > 0 ? `${shown}; and ${more} more` : shown;
}
