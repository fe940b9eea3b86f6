import type { Provider } from "./providers.js";

/**
 * The environment variables each provider's SDK reads its API key from when
 * the config gives none; a provider missing here needs no key.
 */
export const API_KEY_ENV: Partial<Record<Provider, readonly string[]>> = {
  openai: ["OPENAI_API_KEY"],
  anthropic: ["ANTHROPIC_API_KEY"],
  dashscope: ["DASHSCOPE_API_KEY"],
  gemini: ["GEMINI_API_KEY", "GOOGLE_API_KEY"],
};

/** The API key for a slot: the configured one, else the provider's variable, else undefined. */
export function resolveApiKey(provider: Provider, configured: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  if (configured !== undefined && configured !== "") return configured;
  for (const name of API_KEY_ENV[provider] ?? []) {
    const value = env[name];
    if (value !== undefined && value !== "") return value;
  }
  return undefined;
}
