import { randomUUID } from "node:crypto";
import OpenAI from "openai";
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParamsBase,
  ChatCompletionToolChoiceOption,
} from "openai/resources/chat/completions";
import type { CompletionUsage } from "openai/resources/completions";
import { API_KEY_ENV, resolveApiKey, type ModelConfig } from "../config/index.js";
import type { Msg } from "../message/index.js";
import type { ChatCallOptions, ChatModel, ChatResponse, ChatUsage, ToolChoice } from "./chat-model.js";
import { sdkClientOptions } from "./client-kwargs.js";
import { formatOpenAIMessages, formatOpenAIToolChoice, formatOpenAITools } from "./openai-format.js";
import { ProviderModel, providerModelOptions, type ProviderModelOptions } from "./provider-model.js";
import { StreamAccumulator } from "./tool-call-accumulator.js";

/** Which service speaking the Chat Completions API a model talks to. */
export interface OpenAICompatibleService {
  provider: "openai" | "dashscope";
  /** The base URL when none is configured; absent, the SDK's own (`OPENAI_BASE_URL`, else OpenAI's). */
  defaultBaseUrl?: string;
}

/**
 * A model served through the Chat Completions API with the official `openai`
 * SDK: OpenAI itself, or any compatible server through `baseUrl` (vLLM,
 * DeepSeek, …). Their reasoning, sent as `reasoning_content`, becomes
 * `thinking` blocks.
 *
 * @example
 * const model = new OpenAIModel({ model: "gpt-4o-mini", apiKey: process.env.OPENAI_API_KEY });
 * for await (const chunk of model.stream([question])) render(chunk.content);
 */
export class OpenAIModel extends ProviderModel {
  readonly provider: string;
  readonly #client: OpenAI;

  constructor(options: ProviderModelOptions, service: OpenAICompatibleService = { provider: "openai" }) {
    super(withServiceDefaults(options, service));
    this.provider = service.provider;
    this.#client = new OpenAI({
      ...sdkClientOptions(this.options.clientKwargs),
      apiKey: this.options.apiKey ?? null,
      ...(this.options.baseUrl !== undefined && { baseURL: this.options.baseUrl }),
      // The SDK reads OpenAI's organization and project from the environment; another service gets neither.
      ...(service.provider !== "openai" && { organization: null, project: null }),
    });
  }

  protected async complete(msgs: readonly Msg[], options: ChatCallOptions): Promise<ChatResponse> {
    const started = performance.now();
    const completion = await this.#client.chat.completions.create({ ...this.#request(msgs, options), stream: false }, { signal: options.signal ?? null });
    return parseCompletion(completion, secondsSince(started));
  }

  protected async *streamChunks(msgs: readonly Msg[], options: ChatCallOptions): AsyncGenerator<ChatResponse, void, undefined> {
    const started = performance.now();
    const request = this.#request(msgs, options);
    const stream = await this.#client.chat.completions.create(
      { ...request, stream: true, stream_options: { ...request.stream_options, include_usage: true } },
      { signal: options.signal ?? null },
    );
    const reply = new StreamAccumulator();
    let usage: CompletionUsage | undefined;
    try {
      for await (const chunk of stream) {
        if (reply.id === "") reply.id = chunk.id || randomUUID();
        if (chunk.usage) usage = chunk.usage;
        // With `n` > 1 only the first choice is read: a ChatResponse is one reply.
        const delta = chunk.choices?.[0]?.delta;
        if (delta !== undefined && addDelta(reply, delta)) yield reply.chunk();
      }
    } catch (error) {
      // A `data:` line that is not JSON: the SDK throws the bare SyntaxError.
      if (error instanceof SyntaxError) throw new Error(`the provider sent a malformed stream: ${error.message}`, { cause: error });
      throw error;
    }
    // The SDK ends its iteration quietly when the request is aborted; an aborted reply is not a complete one.
    options.signal?.throwIfAborted();
    if (reply.id === "") reply.id = randomUUID();
    yield reply.chunk(toUsage(usage, secondsSince(started)));
  }

  /** The service's form of a tool choice. */
  protected formatToolChoice(choice: ToolChoice): ChatCompletionToolChoiceOption {
    return formatOpenAIToolChoice(choice);
  }

  #request(msgs: readonly Msg[], options: ChatCallOptions): ChatCompletionCreateParamsBase {
    const tools = options.tools ?? [];
    return {
      ...this.options.generateKwargs,
      model: this.modelName,
      messages: formatOpenAIMessages(msgs),
      ...(tools.length > 0 && { tools: formatOpenAITools(tools) }),
      // The API refuses a tool_choice without tools, and with none there is nothing to choose.
      ...(tools.length > 0 && options.toolChoice !== undefined && { tool_choice: this.formatToolChoice(options.toolChoice) }),
    };
  }
}

/** Builds the model of an `openai` slot. */
export function createOpenAIModel(_slot: string, config: ModelConfig): ChatModel {
  return new OpenAIModel(providerModelOptions(config));
}

function withServiceDefaults(options: ProviderModelOptions, service: OpenAICompatibleService): ProviderModelOptions {
  // Resolved here rather than by the SDK, which only knows OPENAI_API_KEY, so the key is also scrubbed from errors.
  const apiKey = resolveApiKey(service.provider, options.apiKey, process.env);
  if (apiKey === undefined) {
    throw new TypeError(`options.apiKey must be set for ${service.provider} (or set ${(API_KEY_ENV[service.provider] ?? []).join(" or ")})`);
  }
  const baseUrl = options.baseUrl ?? service.defaultBaseUrl;
  return { ...options, apiKey, ...(baseUrl !== undefined && { baseUrl }) };
}

type Delta = ChatCompletionChunk.Choice.Delta;

/** Adds one streamed delta to the reply; whether it held anything. */
function addDelta(reply: StreamAccumulator, delta: Delta): boolean {
  let grew = false;
  const reasoning = reasoningOf(delta);
  if (reasoning) {
    reply.addThinking(reasoning);
    grew = true;
  }
  if (delta.content) {
    reply.addText(delta.content);
    grew = true;
  }
  for (const call of delta.tool_calls ?? []) {
    reply.addToolCall(call.index, { id: call.id, name: call.function?.name, args: call.function?.arguments });
    grew = true;
  }
  return grew;
}

function parseCompletion(completion: ChatCompletion, time: number): ChatResponse {
  const reply = new StreamAccumulator();
  reply.id = completion.id || randomUUID();
  const message = completion.choices[0]?.message;
  if (message !== undefined) {
    const reasoning = reasoningOf(message);
    if (reasoning) reply.addThinking(reasoning);
    if (message.content) reply.addText(message.content);
    message.tool_calls?.forEach((call, index) => {
      // Only function tools are ever offered, so only function calls come back.
      if (call.type === "function") reply.addToolCall(index, { id: call.id, name: call.function.name, args: call.function.arguments });
    });
  }
  return reply.chunk(toUsage(completion.usage, time));
}

/** The reasoning compatible servers (DashScope, DeepSeek, vLLM) send beside the answer; not in the SDK's types. */
function reasoningOf(part: object): string | undefined {
  const reasoning = (part as { reasoning_content?: unknown }).reasoning_content;
  return typeof reasoning === "string" ? reasoning : undefined;
}

function toUsage(usage: CompletionUsage | null | undefined, time: number): ChatUsage {
  // A server that reports no usage (some compatible ones ignore `include_usage`) counts as zero tokens.
  return { inputTokens: usage?.prompt_tokens ?? 0, outputTokens: usage?.completion_tokens ?? 0, time };
}

function secondsSince(started: number): number {
  return (performance.now() - started) / 1000;
}
