import type { Msg } from "../message/index.js";
import type { ChatCallOptions, ChatModel, ChatResponse } from "./chat-model.js";
import { ModelError } from "./model-error.js";

/** What one model call did, for metrics: reported once per `call()` or `stream()`. */
export interface ModelCallReport {
  slot: string;
  provider: string;
  model: string;
  /** `cancelled`: aborted through its signal, or the caller stopped reading the stream. */
  outcome: "ok" | "error" | "cancelled";
  durationSeconds: number;
  /** Seconds until the first chunk (streams only). */
  timeToFirstChunkSeconds?: number;
  inputTokens?: number;
  outputTokens?: number;
  /** The provider's HTTP status, when an error had one. */
  status?: number;
}

export type ModelCallListener = (report: ModelCallReport) => void;

/**
 * The same model, with every call reported to `listener`. A Proxy, so the
 * model keeps its class and its own members (`instanceof`, `closed`, …);
 * providers report nothing themselves.
 */
export function instrumentModel<M extends ChatModel>(slot: string, model: M, listener: ModelCallListener): M {
  const base = { slot, provider: model.provider, model: model.modelName };
  const report = (started: number, fields: Omit<ModelCallReport, "slot" | "provider" | "model" | "durationSeconds">): void => {
    listener({ ...base, durationSeconds: (performance.now() - started) / 1000, ...fields });
  };

  async function call(msgs: readonly Msg[], options: ChatCallOptions = {}): Promise<ChatResponse> {
    const started = performance.now();
    try {
      const response = await model.call(msgs, options);
      report(started, { outcome: "ok", ...tokens(response) });
      return response;
    } catch (error) {
      report(started, failure(error, options.signal));
      throw error;
    }
  }

  async function* stream(msgs: readonly Msg[], options: ChatCallOptions = {}): AsyncGenerator<ChatResponse, void, undefined> {
    const started = performance.now();
    let firstChunk: number | undefined;
    let last: ChatResponse | undefined;
    let settled = false;
    try {
      for await (const chunk of model.stream(msgs, options)) {
        firstChunk ??= (performance.now() - started) / 1000;
        last = chunk;
        yield chunk;
      }
      settled = true;
      report(started, { outcome: "ok", ...ttfc(firstChunk), ...tokens(last) });
    } catch (error) {
      settled = true;
      report(started, { ...failure(error, options.signal), ...ttfc(firstChunk) });
      throw error;
    } finally {
      // The caller stopped reading before the end (a `break`, or its stream was closed).
      if (!settled) report(started, { outcome: "cancelled", ...ttfc(firstChunk), ...tokens(last) });
    }
  }

  return new Proxy(model, {
    get(target, property) {
      if (property === "call") return call;
      if (property === "stream") return stream;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

function tokens(response: ChatResponse | undefined): Pick<ModelCallReport, "inputTokens" | "outputTokens"> {
  if (response?.usage === undefined) return {};
  return { inputTokens: response.usage.inputTokens, outputTokens: response.usage.outputTokens };
}

function ttfc(seconds: number | undefined): Pick<ModelCallReport, "timeToFirstChunkSeconds"> {
  return seconds === undefined ? {} : { timeToFirstChunkSeconds: seconds };
}

function failure(error: unknown, signal: AbortSignal | undefined): Pick<ModelCallReport, "outcome" | "status"> {
  if (signal?.aborted === true || (error instanceof Error && error.name === "AbortError")) return { outcome: "cancelled" };
  if (error instanceof ModelError && error.status !== undefined) return { outcome: "error", status: error.status };
  return { outcome: "error" };
}
