import Anthropic, { APIError } from "@anthropic-ai/sdk";
import type { MessageCreateParamsBase } from "@anthropic-ai/sdk/resources/messages";
import { signalReason } from "../abort.js";
import type { ModelConfig } from "../config/index.js";
import type { Msg } from "../message/index.js";
import { formatAnthropicMessages, formatAnthropicToolChoice, formatAnthropicTools } from "./anthropic-format.js";
import type { ChatCallOptions, ChatModel, ChatResponse } from "./chat-model.js";
import { sdkClientOptions } from "./client-kwargs.js";
import { ProviderModel, providerModelOptions, type ProviderModelOptions } from "./provider-model.js";
import { StreamAccumulator } from "./tool-call-accumulator.js";

/** `max_tokens` when `generate_kwargs` gives none: the API requires one. */
export const DEFAULT_MAX_TOKENS = 4096;

// The HTTP status each error type of Anthropic's API comes with, for errors
// sent inside a stream that has already answered 200 (an `event: error`).
const ERROR_TYPE_STATUS: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

/**
 * Claude through Anthropic's Messages API, with the official SDK.
 *
 * The configured `api_key` is sent in `x-api-key`; without one, the SDK
 * finds its own credential (`ANTHROPIC_API_KEY`, `ANTHROPIC_AUTH_TOKEN`, a
 * profile). `base_url` is the API's host root, as the Anthropic SDKs (and
 * `ANTHROPIC_BASE_URL`) take it: `https://api.anthropic.com`; the SDK adds
 * `/v1/messages`. A URL ending in `/v1` is accepted as well. `max_tokens`
 * defaults to {@link DEFAULT_MAX_TOKENS} (plus the thinking budget, when
 * `generate_kwargs.thinking` sets one). Extended thinking is turned on with
 * `generate_kwargs: { thinking: { type: enabled, budget_tokens: 2048 } }`.
 */
export class AnthropicModel extends ProviderModel {
  readonly provider = "anthropic";
  readonly #client: Anthropic;

  constructor(options: ProviderModelOptions) {
    super(options);
    // `client_kwargs.base_url` is where Python configs put it (the SDK names it `baseURL`); the slot's `base_url` wins.
    const { baseURL: kwargsBaseUrl, ...clientOptions } = sdkClientOptions(options.clientKwargs);
    const baseUrl = options.baseUrl ?? (typeof kwargsBaseUrl === "string" ? kwargsBaseUrl : undefined);
    this.#client = new Anthropic({
      ...clientOptions,
      ...(options.apiKey !== undefined && {
        apiKey: options.apiKey,
        // This SDK sends `apiKey` as `Authorization: Bearer`; Anthropic's API documents `x-api-key`, and
        // many Anthropic-compatible endpoints accept nothing else. A header set here wins over the SDK's
        // (headers the user set in `default_headers` win over both); `apiKey` stays so the SDK reads no
        // credential from the environment or a profile.
        defaultHeaders: { "X-Api-Key": options.apiKey, Authorization: null, ...clientOptions.defaultHeaders },
      }),
      ...(baseUrl !== undefined && { baseURL: anthropicBaseUrl(baseUrl) }),
    });
  }

  protected async complete(msgs: readonly Msg[], options: ChatCallOptions): Promise<ChatResponse> {
    const started = performance.now();
    const message = await this.#client.messages.create({ ...this.#params(msgs, options), stream: false }, requestOptions(options));
    const reply = new StreamAccumulator();
    reply.id = message.id;
    for (const block of message.content) {
      if (block.type === "text") reply.addText(block.text);
      else if (block.type === "thinking") reply.addThinking(block.thinking);
      else if (block.type === "tool_use") reply.addToolCall(block.id, { id: block.id, name: block.name, ...toolInput(block.input) });
    }
    return reply.chunk({ inputTokens: message.usage.input_tokens, outputTokens: message.usage.output_tokens, time: secondsSince(started) });
  }

  protected async *streamChunks(msgs: readonly Msg[], options: ChatCallOptions): AsyncGenerator<ChatResponse, void, undefined> {
    const started = performance.now();
    const stream = await this.#client.messages.create({ ...this.#params(msgs, options), stream: true }, requestOptions(options));
    const reply = new StreamAccumulator();
    // Indexes of the content blocks that are client tool calls; other blocks' JSON deltas (server tools) are not ours.
    const toolBlocks = new Set<number>();
    let inputTokens = 0;
    let outputTokens = 0;
    try {
      for await (const event of stream) {
        switch (event.type) {
          case "message_start":
            reply.id = event.message.id;
            inputTokens = event.message.usage.input_tokens;
            outputTokens = event.message.usage.output_tokens;
            break;
          case "content_block_start":
            if (event.content_block.type === "tool_use") {
              toolBlocks.add(event.index);
              reply.addToolCall(event.index, { id: event.content_block.id, name: event.content_block.name });
              yield reply.chunk();
            }
            break;
          case "content_block_delta": {
            const delta = event.delta;
            if (delta.type === "text_delta") reply.addText(delta.text);
            else if (delta.type === "thinking_delta") reply.addThinking(delta.thinking);
            else if (delta.type === "input_json_delta" && toolBlocks.has(event.index)) reply.addToolCall(event.index, { args: delta.partial_json });
            else break;
            yield reply.chunk();
            break;
          }
          case "message_delta":
            outputTokens = event.usage.output_tokens;
            if (event.usage.input_tokens !== null && event.usage.input_tokens !== undefined) inputTokens = event.usage.input_tokens;
            break;
          case "message_stop":
            yield reply.chunk({ inputTokens, outputTokens, time: secondsSince(started) });
            return;
        }
      }
    } catch (error) {
      throw streamFailure(error);
    }
    // The SDK ends its iteration quietly when the request is aborted.
    if (options.signal?.aborted === true) throw signalReason(options.signal);
    throw new Error("malformed stream: it ended before message_stop");
  }

  #params(msgs: readonly Msg[], options: ChatCallOptions): MessageCreateParamsBase {
    const { system, messages } = formatAnthropicMessages(msgs);
    const kwargs = this.options.generateKwargs ?? {};
    const tools = options.tools !== undefined && options.tools.length > 0 ? formatAnthropicTools(options.tools) : undefined;
    return {
      max_tokens: DEFAULT_MAX_TOKENS + thinkingBudget(kwargs),
      ...kwargs,
      model: this.modelName,
      messages,
      ...(system !== undefined && { system }),
      ...(tools !== undefined && { tools }),
      // A choice without tools has nothing to choose from, and the API refuses it.
      ...(tools !== undefined && options.toolChoice !== undefined && { tool_choice: formatAnthropicToolChoice(options.toolChoice) }),
    };
  }
}

/** Builds the model of one `provider: anthropic` slot. */
export function createAnthropicModel(_slot: string, config: ModelConfig): ChatModel {
  return new AnthropicModel(providerModelOptions(config));
}

/** The SDK appends `/v1/messages` to the host root, so a trailing `/v1` (or `/`) is dropped. */
export function anthropicBaseUrl(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, "").replace(/\/v1$/, "");
}

function requestOptions(options: ChatCallOptions): { signal: AbortSignal } | undefined {
  return options.signal === undefined ? undefined : { signal: options.signal };
}

// Thinking tokens count against max_tokens, which must exceed the budget.
function thinkingBudget(kwargs: Record<string, unknown>): number {
  const thinking = kwargs["thinking"];
  if (typeof thinking !== "object" || thinking === null) return 0;
  const budget = (thinking as { budget_tokens?: unknown }).budget_tokens;
  return typeof budget === "number" ? budget : 0;
}

/** The API always sends an object; anything else is kept raw, as a bad streamed argument would be. */
function toolInput(input: unknown): { input: Record<string, unknown> } | { args: string } {
  if (typeof input === "object" && input !== null && !Array.isArray(input)) return { input: input as Record<string, unknown> };
  return { args: typeof input === "string" ? input : JSON.stringify(input) };
}

/**
 * An unparseable event, or an `event: error` inside a stream that had
 * already answered 200 (the SDK gives that one no status), made clear.
 */
function streamFailure(error: unknown): unknown {
  if (error instanceof SyntaxError) return new Error(`malformed stream: ${error.message}`, { cause: error });
  if (error instanceof APIError && error.status === undefined && error.type !== null) {
    const status = ERROR_TYPE_STATUS[error.type];
    if (status !== undefined) return Object.assign(new Error(`${error.type}: ${error.apiMessage ?? error.message}`, { cause: error }), { status });
  }
  return error;
}

function secondsSince(started: number): number {
  return (performance.now() - started) / 1000;
}
