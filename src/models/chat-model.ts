import type { Msg, TextBlock, ThinkingBlock, ToolUseBlock } from "../message/index.js";

/** A tool as a model sees it: the OpenAI function form, which every provider converts from. */
export interface ToolSchema {
  type: "function";
  function: { name: string; description?: string; parameters: Record<string, unknown> };
}

/** `auto`, `none`, `required`, or the name of one tool the model must call. */
export type ToolChoice = "auto" | "none" | "required" | (string & {});

export interface ChatCallOptions {
  tools?: readonly ToolSchema[];
  toolChoice?: ToolChoice;
  signal?: AbortSignal;
}

export interface ChatUsage {
  inputTokens: number;
  outputTokens: number;
  /** Seconds from the request to the last chunk. */
  time: number;
}

/** The blocks a model can produce. */
export type ChatContentBlock = TextBlock | ThinkingBlock | ToolUseBlock;

/**
 * One model reply. In a stream every chunk is cumulative: it holds the whole
 * text, thinking and tool calls so far, and the last chunk carries `usage`.
 */
export interface ChatResponse {
  id: string;
  content: ChatContentBlock[];
  usage?: ChatUsage;
}

/**
 * The contract every model slot fulfils, whatever the provider.
 *
 * @example
 * const reply = await runtime.models.main.call([msg], { signal: ctx.signal });
 * for await (const chunk of runtime.models.main.stream([msg])) render(chunk.content);
 */
export interface ChatModel {
  readonly provider: string;
  readonly modelName: string;
  call(msgs: readonly Msg[], options?: ChatCallOptions): Promise<ChatResponse>;
  stream(msgs: readonly Msg[], options?: ChatCallOptions): AsyncGenerator<ChatResponse, void, undefined>;
  /** Releases connections; idempotent. */
  close?(): Promise<void>;
}
