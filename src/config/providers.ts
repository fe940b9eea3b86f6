/** Every model provider a slot in `agentapp.yaml` may name. */
export const PROVIDERS = ["openai", "anthropic", "dashscope", "gemini", "ollama", "scripted"] as const;

/** One of {@link PROVIDERS}. */
export type Provider = (typeof PROVIDERS)[number];
