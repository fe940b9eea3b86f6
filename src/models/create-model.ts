import type { ModelConfig, Provider } from "../config/index.js";
import { RuntimeUsageError } from "../errors.js";
import type { ChatModel } from "./chat-model.js";
import { ScriptedModel } from "./scripted-model.js";

type ModelFactory = (slot: string, config: ModelConfig) => ChatModel;

function createScripted(_slot: string, config: ModelConfig): ChatModel {
  return new ScriptedModel({
    model: config.model,
    script: (config.script ?? []).map((step) => ({
      ...(step.text !== undefined && { text: step.text }),
      ...(step.thinking !== undefined && { thinking: step.thinking }),
      ...(step.tool_calls !== undefined && {
        toolCalls: step.tool_calls.map((call) => ({ ...(call.id !== undefined && { id: call.id }), name: call.name, input: call.input })),
      }),
      ...(step.usage !== undefined && {
        usage: { inputTokens: step.usage.input_tokens, outputTokens: step.usage.output_tokens },
      }),
    })),
    delayMs: config.delay_ms ?? 0,
    chunkChars: config.chunk_chars ?? 16,
    exhausted: config.exhausted ?? "cycle",
  });
}

function notYetAvailable(provider: Provider): ModelFactory {
  return (slot) => {
    throw new RuntimeUsageError(`models.${slot}: provider "${provider}" is not available in this build yet`);
  };
}

/** One factory per provider; the config schema already rejects any other name. */
const factories: Record<Provider, ModelFactory> = {
  scripted: createScripted,
  openai: notYetAvailable("openai"),
  anthropic: notYetAvailable("anthropic"),
  dashscope: notYetAvailable("dashscope"),
  gemini: notYetAvailable("gemini"),
  ollama: notYetAvailable("ollama"),
};

/** Builds the ChatModel for one configured slot. */
export function createModel(slot: string, config: ModelConfig): ChatModel {
  return factories[config.provider](slot, config);
}
