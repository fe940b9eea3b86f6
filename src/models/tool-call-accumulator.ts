import type { ToolUseBlock } from "../message/index.js";
import type { ChatContentBlock, ChatResponse, ChatUsage } from "./chat-model.js";

interface PendingToolCall {
  id: string;
  name: string;
  /** Argument JSON as received so far (providers stream it in fragments). */
  args: string;
  /** Arguments that arrived already parsed (Gemini, Ollama). */
  input?: Record<string, unknown>;
}

/**
 * Builds the cumulative chunks of a streamed reply: text, thinking and tool
 * calls so far. Tool-call arguments may arrive as JSON fragments, keyed by
 * the provider's index; they are parsed whenever a chunk is taken, and a
 * call whose arguments are not a JSON object keeps them raw in `raw_input`.
 */
export class StreamAccumulator {
  id = "";
  #thinking = "";
  #text = "";
  readonly #calls = new Map<string | number, PendingToolCall>();

  addText(delta: string): void {
    this.#text += delta;
  }

  addThinking(delta: string): void {
    this.#thinking += delta;
  }

  /**
   * Adds to the tool call at `key` (an index or id): `id` and `name` when
   * first seen, then argument fragments.
   */
  addToolCall(key: string | number, part: { id?: string; name?: string; args?: string; input?: Record<string, unknown> }): void {
    let call = this.#calls.get(key);
    if (call === undefined) {
      call = { id: part.id ?? "", name: part.name ?? "", args: "" };
      this.#calls.set(key, call);
    }
    if (part.id) call.id = part.id;
    if (part.name) call.name = part.name;
    if (part.args !== undefined) call.args += part.args;
    if (part.input !== undefined) call.input = part.input;
  }

  /** Whether anything has arrived yet. */
  get empty(): boolean {
    return this.#text === "" && this.#thinking === "" && this.#calls.size === 0;
  }

  /** The reply so far as a cumulative chunk. */
  chunk(usage?: ChatUsage): ChatResponse {
    const content: ChatContentBlock[] = [];
    if (this.#thinking !== "") content.push({ type: "thinking", thinking: this.#thinking });
    if (this.#text !== "") content.push({ type: "text", text: this.#text });
    for (const call of this.#calls.values()) content.push(toolUse(call));
    return usage === undefined ? { id: this.id, content } : { id: this.id, content, usage };
  }
}

function toolUse(call: PendingToolCall): ToolUseBlock {
  if (call.input !== undefined) return { type: "tool_use", id: call.id, name: call.name, input: call.input };
  return { type: "tool_use", id: call.id, name: call.name, ...parseArguments(call.args) };
}

/** Tool arguments as an object; anything else is kept raw and flagged. */
export function parseArguments(text: string): { input: Record<string, unknown>; raw_input?: string } {
  if (text.trim() === "") return { input: {} };
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) return { input: parsed as Record<string, unknown> };
  } catch {
    // Kept raw below: a model's malformed arguments are its mistake to report, not a crash.
  }
  return { input: {}, raw_input: text };
}
