export { Toolkit, type JsonSchema, type ToolCallContext, type ToolCallReport, type ToolFunction, type ToolOptions } from "./toolkit.js";
