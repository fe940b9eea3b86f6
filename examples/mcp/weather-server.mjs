// A small MCP server for the example, spoken to over stdio: one tool,
// get_forecast. Any MCP server works the same way, local or remote.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { z } from "zod";

const server = new McpServer({ name: "weather", version: "1.0.0" });
server.registerTool(
  "get_forecast",
  { description: "Tomorrow's forecast for a city", inputSchema: { city: z.string() } },
  ({ city }) => ({ content: [{ type: "text", text: `Tomorrow in ${city}: light rain in the morning, 18 °C.` }] }),
);
await server.connect(new StdioServerTransport());
