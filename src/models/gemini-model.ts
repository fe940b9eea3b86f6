import { randomUUID } from "node:crypto";
import {
  ApiError,
  GoogleGenAI,
  type GenerateContentConfig,
  type GenerateContentParameters,
  type GenerateContentResponseUsageMetadata,
  type GoogleGenAIOptions,
  type HttpOptions,
  type Part,
} from "@google/genai";
import type { ModelConfig } from "../config/index.js";
import type { Msg } from "../message/index.js";
import type { ChatCallOptions, ChatModel, ChatResponse, ChatUsage } from "./chat-model.js";
import { sdkClientOptions, snakeToCamel } from "./client-kwargs.js";
import { formatGeminiMessages, formatGeminiToolChoice, formatGeminiTools } from "./gemini-format.js";
import { ProviderModel, providerModelOptions, type ProviderModelOptions } from "./provider-model.js";
import { StreamAccumulator } from "./tool-call-accumulator.js";

/**
 * A model of the Gemini Developer API through `@google/genai`.
 *
 * - `base_url` is the API's root, as for the SDK: `https://generativelanguage.googleapis.com`
 *   (the default). A trailing API version (`…/v1beta`, `…/v1`) is accepted too
 *   and becomes the SDK's `apiVersion`, so the URL a user copies from the REST
 *   docs works as well. `client_kwargs.base_url` is read when the slot has none.
 * - `generate_kwargs` are `GenerateContentConfig` fields, snake_case or camelCase
 *   (`max_output_tokens`, `thinking_config: { include_thoughts: true }` to get
 *   thinking back as `thinking` blocks).
 * - `client_kwargs`: `timeout` (seconds) → `httpOptions.timeout`; `max_retries`
 *   → `httpOptions.retryOptions.attempts` (the SDK's own default is no retry);
 *   `default_headers` → `httpOptions.headers`; `http_options` merged into
 *   `httpOptions`; anything else (`api_version`, `vertexai`, `project`,
 *   `location`) to the client as it is.
 */
export class GeminiModel extends ProviderModel {
  readonly provider = "gemini";
  readonly #client: GoogleGenAI;
  readonly #config: GenerateContentConfig;

  constructor(options: ProviderModelOptions) {
    super(options);
    this.#client = new GoogleGenAI(geminiClientOptions(options));
    this.#config = camelKeys(options.generateKwargs ?? {}) as GenerateContentConfig;
  }

  protected async complete(msgs: readonly Msg[], options: ChatCallOptions): Promise<ChatResponse> {
    const started = performance.now();
    const response = await readable(() => this.#client.models.generateContent(this.#request(msgs, options, options.signal)));
    const reply = new StreamAccumulator();
    reply.id = response.responseId ?? newId();
    addParts(reply, response.candidates?.[0]?.content?.parts ?? [], 0);
    return reply.chunk(usageOf(response.usageMetadata, started));
  }

  protected async *streamChunks(msgs: readonly Msg[], options: ChatCallOptions): AsyncGenerator<ChatResponse, void, undefined> {
    const started = performance.now();
    // Ends the HTTP request, too, when the caller stops reading early.
    const stop = new AbortController();
    const signal = options.signal === undefined ? stop.signal : AbortSignal.any([options.signal, stop.signal]);
    try {
      const stream = await readable(() => this.#client.models.generateContentStream(this.#request(msgs, options, signal)));
      const reply = new StreamAccumulator();
      let usage: GenerateContentResponseUsageMetadata | undefined;
      let calls = 0;
      for await (const chunk of readableStream(stream)) {
        if (reply.id === "") reply.id = chunk.responseId ?? newId();
        usage = chunk.usageMetadata ?? usage;
        const parts = chunk.candidates?.[0]?.content?.parts ?? [];
        if (parts.length === 0) continue;
        calls = addParts(reply, parts, calls);
        yield reply.chunk();
      }
      if (reply.id === "") reply.id = newId();
      yield reply.chunk(usageOf(usage, started));
    } finally {
      stop.abort();
    }
  }

  #request(msgs: readonly Msg[], options: ChatCallOptions, signal: AbortSignal | undefined): GenerateContentParameters {
    const { contents, systemInstruction } = formatGeminiMessages(msgs);
    const config: GenerateContentConfig = { ...this.#config };
    if (systemInstruction !== undefined) config.systemInstruction = systemInstruction;
    if (options.tools !== undefined && options.tools.length > 0) {
      // After any tools of generate_kwargs (google_search, code_execution, …).
      config.tools = [...(config.tools ?? []), formatGeminiTools(options.tools)];
      if (options.toolChoice !== undefined) config.toolConfig = { ...config.toolConfig, functionCallingConfig: formatGeminiToolChoice(options.toolChoice) };
    }
    if (signal !== undefined) config.abortSignal = signal;
    return { model: this.modelName, contents, config };
  }
}

/** The slot's config as a GeminiModel. */
export function createGeminiModel(_slot: string, config: ModelConfig): ChatModel {
  return new GeminiModel(providerModelOptions(config));
}

function geminiClientOptions(options: ProviderModelOptions): GoogleGenAIOptions {
  // `client_kwargs.base_url` arrives as `baseURL` (where Python configs put it); the slot's `base_url` wins.
  const { timeout, maxRetries, defaultHeaders, httpOptions, baseURL, ...rest } = sdkClientOptions(options.clientKwargs);
  const http = camelKeys((httpOptions ?? {}) as Record<string, unknown>) as HttpOptions;
  if (timeout !== undefined) http.timeout = timeout;
  if (maxRetries === 0) delete http.retryOptions;
  else if (maxRetries !== undefined) http.retryOptions = { ...http.retryOptions, attempts: maxRetries + 1 };
  if (defaultHeaders !== undefined) http.headers = { ...http.headers, ...defaultHeaders };
  const client: GoogleGenAIOptions = {
    // The provider is the Developer API: GOOGLE_GENAI_USE_VERTEXAI in the environment does not switch it.
    vertexai: false,
    ...(rest as GoogleGenAIOptions),
    ...(options.apiKey !== undefined && { apiKey: options.apiKey }),
  };
  const baseUrl = options.baseUrl ?? (typeof baseURL === "string" ? baseURL : undefined);
  if (baseUrl !== undefined) {
    const version = /^(.+?)\/(v\d+(?:alpha|beta)?\d*)\/?$/.exec(baseUrl);
    http.baseUrl = version === null ? baseUrl : version[1]!;
    if (version !== null) client.apiVersion ??= version[2]!;
  }
  if (Object.keys(http).length > 0) client.httpOptions = http;
  return client;
}

/**
 * Keys in camelCase, recursively (`tools: [{ google_search: {} }]` too),
 * except inside JSON schemas and labels, whose keys are the user's own names.
 */
function camelKeys(value: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    const name = snakeToCamel(key);
    result[name] = /schema$/i.test(name) || name === "labels" ? inner : camelValue(inner);
  }
  return result;
}

function camelValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelValue);
  if (typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype) return camelKeys(value as Record<string, unknown>);
  return value;
}

/**
 * Adds one response's parts: thought text, answer text, and whole function
 * calls (Gemini sends each call complete, arguments already parsed, and an id
 * only on some models: one is made up when absent). Returns the calls seen so far.
 */
function addParts(reply: StreamAccumulator, parts: readonly Part[], calls: number): number {
  for (const part of parts) {
    if (part.functionCall !== undefined) {
      const { id, name, args } = part.functionCall;
      reply.addToolCall(calls++, { id: id ?? `call_${newId()}`, name: name ?? "", ...argumentsOf(args) });
    } else if (part.text !== undefined) {
      if (part.thought === true) reply.addThinking(part.text);
      else reply.addText(part.text);
    }
  }
  return calls;
}

/**
 * Arguments as given. Anything but an object (not what Gemini sends, but what
 * a proxy in between might) goes to the accumulator as text, which keeps it in
 * `raw_input` unless it is an object's JSON.
 */
function argumentsOf(args: unknown): { input: Record<string, unknown> } | { args: string } {
  if (args === undefined || args === null) return { input: {} };
  if (typeof args === "object" && !Array.isArray(args)) return { input: args as Record<string, unknown> };
  return { args: typeof args === "string" ? args : JSON.stringify(args) };
}

function usageOf(usage: GenerateContentResponseUsageMetadata | undefined, started: number): ChatUsage {
  return {
    inputTokens: usage?.promptTokenCount ?? 0,
    // Thinking is generated, and billed, as output.
    outputTokens: (usage?.candidatesTokenCount ?? 0) + (usage?.thoughtsTokenCount ?? 0),
    time: (performance.now() - started) / 1000,
  };
}

function newId(): string {
  return randomUUID().replaceAll("-", "");
}

/** Runs an SDK call, its errors made readable. */
async function readable<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw clarify(error);
  }
}

async function* readableStream<T>(stream: AsyncIterable<T>): AsyncGenerator<T, void, undefined> {
  try {
    yield* stream;
  } catch (error) {
    throw clarify(error);
  }
}

/**
 * The SDK's ApiError carries the whole JSON error body as its message, and
 * a broken stream surfaces as a bare SyntaxError: both made to read as what
 * they are. The numeric `status` is kept for ModelError.
 */
function clarify(error: unknown): unknown {
  if (error instanceof ApiError) {
    const body = error.message.slice(Math.max(0, error.message.indexOf("{")));
    try {
      const { error: detail } = JSON.parse(body) as { error?: { message?: unknown; status?: unknown } };
      if (typeof detail?.message === "string") {
        const prefix = typeof detail.status === "string" && detail.status !== "" ? `${detail.status}: ` : "";
        return new ApiError({ status: error.status, message: `${prefix}${detail.message}` });
      }
    } catch {
      // Not a JSON body: the SDK's message is the best there is.
    }
    return error;
  }
  if (error instanceof SyntaxError) return new Error(`malformed response: ${error.message}`, { cause: error });
  return error;
}
