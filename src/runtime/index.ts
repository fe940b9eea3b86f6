export { AgentApp } from "./agent-app.js";
export { SessionContext } from "./session-context.js";
export { Runtime, runtime, type RuntimeInitOptions } from "./runtime.js";
export { createModelRegistry, type ModelRegistry } from "./model-registry.js";
export { findAppFile, loadApp, APP_CANDIDATES } from "./app-loader.js";
