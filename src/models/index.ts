export type { ChatCallOptions, ChatContentBlock, ChatModel, ChatResponse, ChatUsage, ToolChoice, ToolSchema } from "./chat-model.js";
export { ModelError, type ModelErrorDetails } from "./model-error.js";
export { ScriptedModel, type ScriptStep, type ScriptedModelOptions } from "./scripted-model.js";
export { createModel } from "./create-model.js";
export { instrumentModel, type ModelCallListener, type ModelCallReport } from "./instrumented-model.js";
