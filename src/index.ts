/**
 * The public API an App imports from "agentscope". In a running project this
 * module is the runtime itself: `runtime` is the initialized instance of the
 * worker thread the App runs in.
 */
export { Msg } from "./message/index.js";
export type * from "./message/index.js";
export { AgentApp, Runtime, SessionContext, runtime, type ModelRegistry } from "./runtime/index.js";
export { ScriptedModel, ModelError } from "./models/index.js";
export type { ModelCallReport } from "./models/index.js";
export type {
  ChatCallOptions,
  ChatContentBlock,
  ChatModel,
  ChatResponse,
  ChatUsage,
  ScriptStep,
  ScriptedModelOptions,
  ToolChoice,
  ToolSchema,
} from "./models/index.js";
export { AgentScopeError, ConfigError, MessageFormatError, AppLoadError, RuntimeUsageError } from "./errors.js";
export type { AppConfig, ModelConfig } from "./config/index.js";
