export { Toolkit, type JsonSchema, type ToolCallContext, type ToolCallReport, type ToolFunction, type ToolOptions } from "./toolkit.js";
export { McpClient, type McpClientOptions, type McpToolInfo } from "./mcp-client.js";
export { registerMcpTools, syncMcpTools, unregisterMcpTools } from "./mcp-tools.js";
