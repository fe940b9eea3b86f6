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
export { ReActAgent, InMemoryMemory, type ReActAgentOptions } from "./agent/index.js";
export { Toolkit, type JsonSchema, type ToolCallContext, type ToolCallReport, type ToolFunction, type ToolOptions } from "./tools/index.js";
export { SessionStore, MemorySessionStore, JsonSessionStore, type SessionState, type StateModule } from "./session/index.js";
export { AgentScopeError, ConfigError, MessageFormatError, AppLoadError, RuntimeUsageError } from "./errors.js";
export type { AppConfig, ModelConfig } from "./config/index.js";
