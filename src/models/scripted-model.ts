import { randomUUID } from "node:crypto";
import { delay } from "../abort.js";
import type { Msg, ToolUseBlock } from "../message/index.js";
import type { ChatCallOptions, ChatContentBlock, ChatModel, ChatResponse } from "./chat-model.js";
import { ModelError } from "./model-error.js";

/** One model call's reply in a script. */
export interface ScriptStep {
  text?: string;
  thinking?: string;
  toolCalls?: ReadonlyArray<{ id?: string; name: string; input?: Record<string, unknown> }>;
  usage?: { inputTokens: number; outputTokens: number };
}

export interface ScriptedModelOptions {
  script: readonly ScriptStep[];
  model?: string;
  /** Pause between streamed chunks, in milliseconds. */
  delayMs?: number;
  /** Characters of text (and thinking) per streamed chunk. */
  chunkChars?: number;
  /** What a call past the end of the script does: start over, or fail. */
  exhausted?: "cycle" | "error";
}

/**
 * A real ChatModel that replays a script instead of calling a provider: one
 * step per call, in order. It needs no key and no network, so it runs the
 * quickstart, users' own app tests and the benchmarks.
 *
 * @example
 * const model = new ScriptedModel({ script: [{ text: "It is sunny." }], chunkChars: 4 });
 * for await (const chunk of model.stream([question])) console.log(chunk.content);
 */
export class ScriptedModel implements ChatModel {
  readonly provider = "scripted";
  readonly modelName: string;
  readonly #script: readonly ScriptStep[];
  readonly #delayMs: number;
  readonly #chunkChars: number;
  readonly #exhausted: "cycle" | "error";
  #calls = 0;
  #closed = false;

  constructor(options: ScriptedModelOptions) {
    if (options.script.length === 0) throw new TypeError("options.script must have at least one step");
    this.modelName = options.model ?? "scripted";
    this.#script = options.script;
    this.#delayMs = options.delayMs ?? 0;
    this.#chunkChars = Math.max(1, options.chunkChars ?? 16);
    this.#exhausted = options.exhausted ?? "cycle";
  }

  /** Whether close() was called; a closed model refuses calls. */
  get closed(): boolean {
    return this.#closed;
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  async call(msgs: readonly Msg[], options: ChatCallOptions = {}): Promise<ChatResponse> {
    let last: ChatResponse | undefined;
    for await (const chunk of this.stream(msgs, options)) last = chunk;
    return last!;
  }

  async *stream(msgs: readonly Msg[], options: ChatCallOptions = {}): AsyncGenerator<ChatResponse, void, undefined> {
    const { signal } = options;
    signal?.throwIfAborted();
    const step = this.#nextStep();
    const started = performance.now();
    const id = `scripted-${randomUUID()}`;
    const thinking = step.thinking ?? "";
    const text = step.text ?? "";
    const toolCalls: ToolUseBlock[] = (step.toolCalls ?? []).map((call) => ({
      type: "tool_use",
      id: call.id ?? `call_${randomUUID().replaceAll("-", "").slice(0, 24)}`,
      name: call.name,
      input: { ...(call.input ?? {}) },
    }));

    const cuts = [...chunkEnds(thinking.length, this.#chunkChars).map((end) => ({ thinking: end, text: 0 }))];
    for (const end of chunkEnds(text.length, this.#chunkChars)) cuts.push({ thinking: thinking.length, text: end });
    if (cuts.length === 0) cuts.push({ thinking: 0, text: 0 });

    for (let i = 0; i < cuts.length; i++) {
      if (i > 0 && this.#delayMs > 0) await delay(this.#delayMs, signal);
      signal?.throwIfAborted();
      const cut = cuts[i]!;
      const isLast = i === cuts.length - 1;
      const content: ChatContentBlock[] = [];
      if (cut.thinking > 0) content.push({ type: "thinking", thinking: thinking.slice(0, cut.thinking) });
      if (cut.text > 0) content.push({ type: "text", text: text.slice(0, cut.text) });
      if (!isLast) {
        yield { id, content };
        continue;
      }
      content.push(...toolCalls);
      const usage = step.usage ?? {
        inputTokens: estimateTokens(msgs.reduce((n, msg) => n + msg.getTextContent().length, 0)),
        outputTokens: estimateTokens(thinking.length + text.length + JSON.stringify(toolCalls.map((c) => c.input)).length),
      };
      yield { id, content, usage: { ...usage, time: (performance.now() - started) / 1000 } };
    }
  }

  #nextStep(): ScriptStep {
    if (this.#closed) {
      throw new ModelError("the model is closed", { provider: this.provider, model: this.modelName, retryable: false });
    }
    const index = this.#calls++;
    if (index >= this.#script.length && this.#exhausted === "error") {
      throw new ModelError(`script exhausted: it has ${this.#script.length} steps and this is call ${index + 1}`, {
        provider: this.provider,
        model: this.modelName,
        retryable: false,
      });
    }
    return this.#script[index % this.#script.length]!;
  }
}

/** End offsets of successive chunks of `size` over a string of `length`. */
function chunkEnds(length: number, size: number): number[] {
  const ends: number[] = [];
  for (let end = size; end < length + size; end += size) ends.push(Math.min(end, length));
  return ends;
}

/** Roughly four characters a token, as tokenizers average on English text. */
function estimateTokens(chars: number): number {
  return Math.ceil(chars / 4);
}
