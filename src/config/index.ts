export { PROVIDERS, type Provider } from "./providers.js";
export { loadConfig, type LoadConfigOptions, type LoadedConfig } from "./load-config.js";
export { parseConfig } from "./parse-config.js";
export { redactConfig } from "./redact.js";
export { withRedactedPrinting } from "./redacted-printing.js";
export { parseByteSize } from "./byte-size.js";
export type {
  AppConfig,
  HttpMcpServerConfig,
  McpServerConfig,
  ModelConfig,
  PlatformConfig,
  ProviderModelConfig,
  ScriptedModelConfig,
  ScriptStep,
  ScriptToolCall,
  ServerConfig,
  SessionConfig,
  StdioMcpServerConfig,
  TracingConfig,
} from "./types.js";
export { API_KEY_ENV, resolveApiKey } from "./api-key-env.js";
export { RESERVED_SLOT_NAMES } from "./model-schema.js";
