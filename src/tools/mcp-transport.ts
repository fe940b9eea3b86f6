import path from "node:path";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { redactConfig, type McpServerConfig } from "../config/index.js";
import type { Logger } from "../logging/logger.js";

/** Lines of a stdio server's stderr kept for an error message. */
const STDERR_TAIL_LINES = 5;

export interface McpTransport {
  transport: Transport;
  /** A stdio server's last lines of stderr (empty for HTTP), to explain why it failed to start. */
  stderrTail: string[];
}

export interface McpTransportOptions {
  /** The project folder, against which a stdio `cwd` is resolved. */
  projectDir: string;
  log: Logger;
  /** Aborts every HTTP request the transport still has running (a last resort once it is closed). */
  signal: AbortSignal;
}

/**
 * A fresh transport for one MCP session with a server, as its config says:
 * HTTP transports send `headers` on every request (SSE's GET stream too);
 * stdio runs `command` with `args` in `cwd` (relative to the project, default
 * the project itself), with `env` merged over the SDK's safe default
 * environment (HOME, PATH, ...), its stderr logged line by line at debug.
 */
export function createMcpTransport(server: string, config: McpServerConfig, options: McpTransportOptions): McpTransport {
  const { projectDir, log, signal } = options;
  const stderrTail: string[] = [];
  if (config.transport === "stdio") {
    const transport = new StdioClientTransport({
      command: config.command,
      args: config.args,
      ...(config.env !== undefined && { env: config.env }),
      cwd: path.resolve(projectDir, config.cwd ?? "."),
      stderr: "pipe",
    });
    // With `stderr: "pipe"` this is a PassThrough, there before the process starts.
    const stderr = transport.stderr as Readable | null;
    if (stderr !== null) {
      createInterface({ input: stderr }).on("line", (line) => {
        log.debug({ mcpServer: server, stderr: line }, "MCP server stderr");
        if (stderrTail.push(line) > STDERR_TAIL_LINES) stderrTail.shift();
      });
    }
    return { transport, stderrTail };
  }
  const http = {
    requestInit: { headers: config.headers },
    fetch: (url: string | URL, init?: RequestInit) =>
      fetch(url, { ...init, signal: init?.signal == null ? signal : AbortSignal.any([init.signal, signal]) }),
  };
  const url = new URL(config.url);
  const transport = config.transport === "sse" ? new SSEClientTransport(url, http) : new StreamableHTTPClientTransport(url, http);
  return { transport, stderrTail };
}

/** Where a server is, for messages: its URL (credentials hidden) or its command line. */
export function describeMcpTarget(config: McpServerConfig): string {
  if (config.transport === "stdio") return [config.command, ...config.args].join(" ");
  return redactConfig(config.url);
}
