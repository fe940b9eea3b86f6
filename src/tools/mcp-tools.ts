import type { Logger } from "../logging/logger.js";
import type { McpClient, McpToolInfo } from "./mcp-client.js";
import type { JsonSchema, Toolkit } from "./toolkit.js";

/** Which MCP server registered each tool name, per toolkit, so a clash can name who holds the name. */
const owners = new WeakMap<Toolkit, Map<string, string>>();

/**
 * Registers every tool the client lists (as last listed) in the toolkit:
 * its description, its JSON Schema, the server's `timeout`, calling
 * `client.callTool`. A name already taken, by a local tool or by another
 * server, is registered as `<server>__<tool>` instead (an info log names
 * both); characters a tool name may not have become `_`. Returns the names
 * registered, in the server's order.
 */
export function registerMcpTools(toolkit: Toolkit, client: McpClient, log: Logger): string[] {
  const registered: string[] = [];
  const owner = ownersOf(toolkit);
  for (const tool of client.tools()) {
    const bare = safeName(tool.name);
    let name = bare;
    if (toolkit.has(bare)) {
      name = safeName(`${client.name}__${tool.name}`);
      const holder = owner.get(bare);
      log.info(
        { mcpServer: client.name, tool: tool.name, registeredAs: name, heldBy: holder ?? "local" },
        `tool "${bare}" is already registered by ${holder === undefined ? "a local tool" : `MCP server "${holder}"`}; MCP server "${client.name}"'s "${tool.name}" is registered as "${name}"`,
      );
    }
    if (toolkit.has(name)) {
      log.warn({ mcpServer: client.name, tool: tool.name }, `MCP server "${client.name}"'s tool "${tool.name}" is not registered: "${name}" is taken too`);
      continue;
    }
    toolkit.registerTool((input, { signal }) => client.callTool(tool.name, input, { signal }), {
      name,
      ...(tool.description !== undefined && { description: tool.description }),
      parameters: parametersOf(tool),
      timeoutMs: client.timeoutMs,
    });
    owner.set(name, client.name);
    registered.push(name);
  }
  return registered;
}

/** Removes tools registered by {@link registerMcpTools}. */
export function unregisterMcpTools(toolkit: Toolkit, names: readonly string[]): void {
  const owner = ownersOf(toolkit);
  for (const name of names) {
    toolkit.removeTool(name);
    owner.delete(name);
  }
}

/**
 * Registers the client's tools now and again each time its list changes:
 * when a `required: false` server connects after `start()`, or a server
 * announces other tools. Returns the function that stops following and
 * removes them (call it before closing the client).
 *
 * @example
 * await client.start();
 * const unregister = syncMcpTools(runtime.tools, client, log);
 */
export function syncMcpTools(toolkit: Toolkit, client: McpClient, log: Logger): () => void {
  let names = registerMcpTools(toolkit, client, log);
  const unsubscribe = client.onToolsChanged(() => {
    unregisterMcpTools(toolkit, names);
    names = registerMcpTools(toolkit, client, log);
    log.info({ mcpServer: client.name, tools: names }, "MCP server's tools registered");
  });
  return () => {
    unsubscribe();
    unregisterMcpTools(toolkit, names);
    names = [];
  };
}

function ownersOf(toolkit: Toolkit): Map<string, string> {
  let map = owners.get(toolkit);
  if (map === undefined) owners.set(toolkit, (map = new Map()));
  return map;
}

/** A name the Toolkit accepts: 1-64 of letters, digits, `_` and `-`. */
function safeName(name: string): string {
  return (name.replace(/[^A-Za-z0-9_-]/g, "_") || "_").slice(0, 64);
}

/** The input schema without `$schema`, which function-calling APIs do not expect. */
function parametersOf(tool: McpToolInfo): JsonSchema {
  const { $schema: _ignored, ...schema } = tool.inputSchema;
  return schema;
}
