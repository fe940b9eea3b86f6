import { resolveApiKey, type ModelConfig, type Provider } from "../config/index.js";
import { createAnthropicModel } from "./anthropic-model.js";
import type { ChatModel } from "./chat-model.js";
import { createDashScopeModel } from "./dashscope-model.js";
import { createGeminiModel } from "./gemini-model.js";
import { createOllamaModel } from "./ollama-model.js";
import { createOpenAIModel } from "./openai-model.js";
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

/** One factory per provider; the config schema already rejects any other name. */
const factories: Record<Provider, ModelFactory> = {
  scripted: createScripted,
  openai: createOpenAIModel,
  anthropic: createAnthropicModel,
  dashscope: createDashScopeModel,
  gemini: createGeminiModel,
  ollama: createOllamaModel,
};

/**
 * Builds the ChatModel for one configured slot. A key left out of the config
 * comes from the provider's usual variable (OPENAI_API_KEY, …), read here so
 * every provider finds it the same way.
 */
export function createModel(slot: string, config: ModelConfig, env: NodeJS.ProcessEnv = process.env): ChatModel {
  const apiKey = resolveApiKey(config.provider, config.api_key, env);
  return factories[config.provider](slot, apiKey === undefined ? config : { ...config, api_key: apiKey });
}
