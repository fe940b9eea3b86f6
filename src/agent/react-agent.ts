import { randomUUID } from "node:crypto";
import { Msg, type ContentBlock, type ToolResultBlock, type ToolUseBlock } from "../message/index.js";
import type { ChatModel, ChatResponse } from "../models/index.js";
import type { StateModule } from "../session/index.js";
import type { Toolkit } from "../tools/index.js";
import { InMemoryMemory } from "./memory.js";

export interface ReActAgentOptions {
  name: string;
  model: ChatModel;
  sysPrompt: string;
  toolkit?: Toolkit;
  memory?: InMemoryMemory;
  /** Model turns before the agent gives up on reaching a final answer (default 10). */
  maxIters?: number;
}

/**
 * The reason-act loop: the model answers or asks for tools, the tools run
 * (all calls of one turn at once), their results go back to the model, until
 * it answers without a tool call or `maxIters` turns have passed.
 *
 * `stream()` yields, in order: the assistant's text as cumulative chunks
 * sharing one message id per model turn, each tool call, each tool result.
 *
 * @example
 * const agent = new ReActAgent({ name: "assistant", model: runtime.models.main, sysPrompt: "Be brief.", toolkit: runtime.tools });
 * await runtime.session.loadSessionState(ctx.sessionId, { agent });
 * yield* agent.stream(msg, { signal: ctx.signal });
 * await runtime.session.saveSessionState(ctx.sessionId, { agent });
 */
export class ReActAgent implements StateModule {
  readonly name: string;
  readonly model: ChatModel;
  readonly sysPrompt: string;
  readonly toolkit: Toolkit | undefined;
  readonly memory: InMemoryMemory;
  readonly maxIters: number;

  constructor(options: ReActAgentOptions) {
    this.name = options.name;
    this.model = options.model;
    this.sysPrompt = options.sysPrompt;
    this.toolkit = options.toolkit;
    this.memory = options.memory ?? new InMemoryMemory();
    this.maxIters = options.maxIters ?? 10;
    if (!Number.isInteger(this.maxIters) || this.maxIters < 1) throw new TypeError("options.maxIters must be a positive integer");
  }

  /** Runs one turn to its final answer and returns it. */
  async call(msg: Msg | null, options: { signal?: AbortSignal } = {}): Promise<Msg> {
    const stream = this.stream(msg, options);
    for (;;) {
      const step = await stream.next();
      if (step.done === true) return step.value;
    }
  }

  /** Runs one turn, yielding every message as it happens; returns the final answer. */
  async *stream(msg: Msg | null, options: { signal?: AbortSignal } = {}): AsyncGenerator<Msg, Msg, undefined> {
    const { signal } = options;
    if (msg !== null) this.memory.add(msg);
    for (let iter = 0; iter < this.maxIters; iter++) {
      signal?.throwIfAborted();
      const turnId = randomUUID().replaceAll("-", "");
      let reply: ChatResponse | undefined;
      for await (const chunk of this.model.stream(this.#prompt(), { ...this.#toolOptions(), ...(signal && { signal }) })) {
        reply = chunk;
        const text = chunk.content.filter((block) => block.type !== "tool_use");
        if (text.length > 0) yield this.#assistant(text, turnId);
      }
      const content: ContentBlock[] = reply?.content ?? [];
      const answer = this.#assistant(content, turnId);
      this.memory.add(answer);
      const calls = content.filter((block): block is ToolUseBlock => block.type === "tool_use");
      if (calls.length === 0) return answer;

      for (const call of calls) yield this.#assistant([call]);
      // Every call of the turn runs at once; results are reported in call order.
      const pending = calls.map((call) => this.#runTool(call, signal));
      const results: Msg[] = [];
      for (const result of pending) {
        const message = new Msg({ name: "system", role: "system", content: [await result] });
        results.push(message);
        yield message;
      }
      this.memory.add(...results);
    }
    const giveUp = this.#assistant(
      [{ type: "text", text: `I stopped after ${this.maxIters} steps without reaching a final answer.` }],
      undefined,
      { max_iters_reached: true },
    );
    this.memory.add(giveUp);
    yield giveUp;
    return giveUp;
  }

  stateDict(): Record<string, unknown> {
    return { memory: this.memory.stateDict() };
  }

  loadStateDict(state: Record<string, unknown>): void {
    const memory = state["memory"];
    if (typeof memory === "object" && memory !== null) this.memory.loadStateDict(memory as Record<string, unknown>);
  }

  #prompt(): Msg[] {
    return [new Msg({ name: "system", role: "system", content: this.sysPrompt }), ...this.memory.get()];
  }

  #toolOptions(): { tools?: ReturnType<Toolkit["getJsonSchemas"]> } {
    const tools = this.toolkit?.getJsonSchemas() ?? [];
    return tools.length > 0 ? { tools } : {};
  }

  #assistant(content: ContentBlock[], id?: string, metadata?: Record<string, unknown>): Msg {
    return new Msg({ ...(id !== undefined && { id }), name: this.name, role: "assistant", content, ...(metadata && { metadata }) });
  }

  async #runTool(call: ToolUseBlock, signal: AbortSignal | undefined): Promise<ToolResultBlock> {
    if (this.toolkit === undefined) {
      return { type: "tool_result", id: call.id, name: call.name, output: `Error: no tools are available to ${this.name}` };
    }
    return this.toolkit.callTool(call, signal ? { signal } : {});
  }
}
