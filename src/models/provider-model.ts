import type { ModelConfig } from "../config/index.js";
import type { Msg } from "../message/index.js";
import type { ChatCallOptions, ChatModel, ChatResponse } from "./chat-model.js";
import { toModelError } from "./to-model-error.js";

/** What every network provider is built from: the slot's config, mapped. */
export interface ProviderModelOptions {
  model: string;
  apiKey?: string;
  baseUrl?: string;
  /** Use the provider's streaming API (default true). */
  stream?: boolean;
  /** Merged into every request body (temperature, max_tokens, provider extras). */
  generateKwargs?: Record<string, unknown>;
  /** Passed to the SDK client's constructor (timeout, maxRetries, defaultHeaders, …). */
  clientKwargs?: Record<string, unknown>;
}

/** A slot's config as the options of a network model. */
export function providerModelOptions(config: ModelConfig): ProviderModelOptions {
  return {
    model: config.model,
    ...(config.api_key !== undefined && { apiKey: config.api_key }),
    ...(config.base_url !== undefined && { baseUrl: config.base_url }),
    stream: config.stream,
    generateKwargs: config.generate_kwargs,
    clientKwargs: config.client_kwargs,
  };
}

/**
 * The shared shape of a network model: `call()` and `stream()` on top of two
 * provider-specific requests, with every failure turned into a ModelError
 * that never carries the API key.
 *
 * With `stream: true` (the default), `call()` consumes the streaming API and
 * returns its last chunk; with `stream: false`, `stream()` yields the one
 * response of the non-streaming API.
 */
export abstract class ProviderModel implements ChatModel {
  abstract readonly provider: string;
  readonly modelName: string;
  protected readonly options: ProviderModelOptions;

  constructor(options: ProviderModelOptions) {
    this.modelName = options.model;
    this.options = options;
  }

  async call(msgs: readonly Msg[], options: ChatCallOptions = {}): Promise<ChatResponse> {
    if (this.options.stream === false) return this.#guard(() => this.complete(msgs, options), options.signal);
    let last: ChatResponse | undefined;
    for await (const chunk of this.stream(msgs, options)) last = chunk;
    return last ?? { id: "", content: [] };
  }

  async *stream(msgs: readonly Msg[], options: ChatCallOptions = {}): AsyncGenerator<ChatResponse, void, undefined> {
    if (this.options.stream === false) {
      yield await this.#guard(() => this.complete(msgs, options), options.signal);
      return;
    }
    try {
      yield* this.streamChunks(msgs, options);
    } catch (error) {
      throw this.#wrap(error, options.signal);
    }
  }

  /** One request to the non-streaming API. */
  protected abstract complete(msgs: readonly Msg[], options: ChatCallOptions): Promise<ChatResponse>;

  /** One request to the streaming API, yielding cumulative chunks, usage on the last. */
  protected abstract streamChunks(msgs: readonly Msg[], options: ChatCallOptions): AsyncGenerator<ChatResponse, void, undefined>;

  /** Releases the client's connections; idempotent. */
  async close(): Promise<void> {}

  async #guard<T>(run: () => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw this.#wrap(error, signal);
    }
  }

  #wrap(error: unknown, signal: AbortSignal | undefined): unknown {
    return toModelError(error, {
      provider: this.provider,
      model: this.modelName,
      ...(this.options.apiKey !== undefined && { apiKey: this.options.apiKey }),
      ...(signal !== undefined && { signal }),
    });
  }
}
