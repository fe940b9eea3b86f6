import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import { Ollama, type AbortableAsyncIterator, type ChatRequest, type ChatResponse as OllamaResponse, type Message } from "ollama";
import type { ModelConfig } from "../config/index.js";
import type { Msg } from "../message/index.js";
import type { ChatCallOptions, ChatModel, ChatResponse, ChatUsage } from "./chat-model.js";
import { sdkClientOptions } from "./client-kwargs.js";
import { ModelError } from "./model-error.js";
import { formatOllamaMessages, formatOllamaTools, ollamaRequestKwargs } from "./ollama-format.js";
import { ProviderModel, providerModelOptions, type ProviderModelOptions } from "./provider-model.js";
import { StreamAccumulator } from "./tool-call-accumulator.js";

/**
 * A model served by Ollama (`POST {base_url}/api/chat`, by default at
 * `http://127.0.0.1:11434`), through the official `ollama` SDK.
 *
 * Ollama takes no API key; one configured (for a proxy or Ollama's cloud) is
 * sent as `Authorization: Bearer <key>`. `generate_kwargs` keys the request
 * defines (`think`, `keep_alive`, `format`) go at its top level, everything
 * else in `options`. Of `client_kwargs`, `timeout` bounds the wait for an
 * answer to start and `default_headers` adds headers; the SDK never retries,
 * so `max_retries` has nothing to set.
 *
 * @example
 * const model = new OllamaModel({ model: "qwen3", generateKwargs: { think: true, temperature: 0.2 } });
 * for await (const chunk of model.stream([question], { signal })) render(chunk.content);
 */
export class OllamaModel extends ProviderModel {
  override readonly provider = "ollama";
  readonly #client: OllamaClient;
  /** The SDK takes no per-request signal, so each call's signal reaches the client's fetch this way. */
  readonly #callSignal = new AsyncLocalStorage<AbortSignal | undefined>();
  /** Aborts every request in flight when the model is closed. */
  readonly #closing = new AbortController();
  readonly #timeoutMs: number | undefined;

  constructor(options: ProviderModelOptions) {
    super(options);
    const { timeout, defaultHeaders } = sdkClientOptions(options.clientKwargs);
    this.#timeoutMs = timeout;
    const headers: Record<string, string> = { ...defaultHeaders };
    if (options.apiKey !== undefined) headers["Authorization"] = `Bearer ${options.apiKey}`;
    this.#client = new OllamaClient({
      ...(options.baseUrl !== undefined && { host: options.baseUrl }),
      headers,
      fetch: (input, init) => this.#fetch(input, init),
    });
  }

  protected async complete(msgs: readonly Msg[], options: ChatCallOptions): Promise<ChatResponse> {
    const started = performance.now();
    const request = await this.#request(msgs, options);
    const response = await this.#callSignal.run(options.signal, () => this.#client.chat({ ...request, stream: false }));
    const reply = new StreamAccumulator();
    reply.id = newId();
    addMessage(reply, response.message);
    return reply.chunk(usageOf(response, started));
  }

  protected async *streamChunks(msgs: readonly Msg[], options: ChatCallOptions): AsyncGenerator<ChatResponse, void, undefined> {
    const started = performance.now();
    const request = await this.#request(msgs, options);
    const stream = await this.#callSignal.run(options.signal, () => this.#client.chat({ ...request, stream: true }));
    const reply = new StreamAccumulator();
    reply.id = newId();
    let done = false;
    try {
      for await (const part of stream) {
        const added = addMessage(reply, part.message);
        if (part.done) {
          done = true;
          yield reply.chunk(usageOf(part, started));
          return;
        }
        if (added) yield reply.chunk();
      }
    } finally {
      // Ends the HTTP request when the caller stops early or the stream failed.
      if (!done) stream.abort();
      this.#client.release(stream);
    }
  }

  /** Aborts the requests in flight and refuses new ones; idempotent. */
  override async close(): Promise<void> {
    this.#closing.abort(new ModelError("the model is closed", { provider: this.provider, model: this.modelName, retryable: false }));
  }

  async #request(msgs: readonly Msg[], options: ChatCallOptions): Promise<ChatRequest> {
    this.#closing.signal.throwIfAborted();
    const tools = formatOllamaTools(options.tools, options.toolChoice);
    return {
      ...ollamaRequestKwargs(this.options.generateKwargs),
      model: this.modelName,
      messages: await formatOllamaMessages(msgs, options.signal),
      ...(tools !== undefined && { tools }),
    };
  }

  /** The client's fetch: the SDK's own signal, the call's, the model's closing, and the timeout. */
  async #fetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
    const signals = [this.#closing.signal];
    if (init.signal) signals.push(init.signal);
    const callSignal = this.#callSignal.getStore();
    if (callSignal !== undefined) signals.push(callSignal);
    let timer: NodeJS.Timeout | undefined;
    const timeoutMs = this.#timeoutMs;
    if (timeoutMs !== undefined) {
      const timeout = new AbortController();
      timer = setTimeout(() => timeout.abort(Object.assign(new Error(`no answer within ${timeoutMs / 1000} s`), { code: "ETIMEDOUT" })), timeoutMs);
      signals.push(timeout.signal);
    }
    try {
      return await fetch(input, { ...init, signal: AbortSignal.any(signals) });
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * The SDK lists each stream it starts, for its client-wide `abort()`, and
 * drops one only when it ends with `done`; a stream aborted or broken off
 * would stay listed, with its response, for the life of the model.
 */
class OllamaClient extends Ollama {
  release(stream: AbortableAsyncIterator<object>): void {
    const index = this.ongoingStreamedRequests.indexOf(stream);
    if (index >= 0) this.ongoingStreamedRequests.splice(index, 1);
  }
}

/** Adds what one message carries (a delta when streaming); returns whether it carried anything. */
function addMessage(reply: StreamAccumulator, message: Message | undefined): boolean {
  if (message === undefined) return false;
  let added = false;
  if (message.thinking) {
    reply.addThinking(message.thinking);
    added = true;
  }
  if (message.content) {
    reply.addText(message.content);
    added = true;
  }
  for (const call of message.tool_calls ?? []) {
    // Ollama sends each call whole, with parsed arguments; recent versions give it an id.
    const wireId: unknown = (call as { id?: unknown }).id;
    const id = typeof wireId === "string" && wireId !== "" ? wireId : `call_${randomUUID().replaceAll("-", "").slice(0, 24)}`;
    const args: unknown = call.function.arguments;
    // Ollama-compatible servers may pass arguments on as the model's text; that is parsed, or kept raw.
    const part = isRecord(args) ? { input: args } : { args: typeof args === "string" ? args : JSON.stringify(args ?? {}) };
    reply.addToolCall(id, { id, name: call.function.name, ...part });
    added = true;
  }
  return added;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function usageOf(response: OllamaResponse, started: number): ChatUsage {
  return {
    inputTokens: response.prompt_eval_count ?? 0,
    outputTokens: response.eval_count ?? 0,
    time: (performance.now() - started) / 1000,
  };
}

function newId(): string {
  return `ollama-${randomUUID()}`;
}

/** The ChatModel for one `provider: ollama` slot. */
export function createOllamaModel(_slot: string, config: ModelConfig): ChatModel {
  return new OllamaModel(providerModelOptions(config));
}
