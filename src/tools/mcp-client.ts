import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { SseError } from "@modelcontextprotocol/sdk/client/sse.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { CallToolResultSchema, ErrorCode, McpError, type CallToolResult, type Tool } from "@modelcontextprotocol/sdk/types.js";
import { raceAbort, signalReason } from "../abort.js";
import type { McpServerConfig } from "../config/index.js";
import { AppLoadError, errorMessage } from "../errors.js";
import type { Logger } from "../logging/logger.js";
import type { ContentBlock } from "../message/index.js";
import { mcpResultToOutput } from "./mcp-result.js";
import { createMcpTransport, describeMcpTarget } from "./mcp-transport.js";

/** One tool an MCP server offers. */
export interface McpToolInfo {
  name: string;
  description?: string;
  /** The arguments' JSON Schema, as the server gave it. */
  inputSchema: Record<string, unknown>;
}

export interface McpClientOptions {
  log: Logger;
  /** The project folder: a relative stdio `cwd` is resolved against it, and it is the default `cwd`. */
  cwd: string;
  /** Background reconnection of a `required: false` server: first delay and cap, in ms (default 1000 and 30000; doubles each time). */
  retryDelayMs?: { initial: number; max: number };
}

const CLIENT_INFO = { name: "agentscope", version: "0.1.0" };
const DEFAULT_RETRY = { initial: 1000, max: 30_000 };
/** Opening a session (a stdio server starting up, the handshake) may take this long even when calls must be quicker. */
const MIN_OPEN_TIMEOUT_MS = 10_000;
/** How long `close()` waits for a Streamable HTTP server to acknowledge the end of the session. */
const TERMINATE_TIMEOUT_MS = 1000;

/**
 * One connection to one MCP server (`mcp_servers.<name>` in agentapp.yaml).
 *
 * `start()` connects and lists the server's tools. A server that cannot be
 * reached fails `start()` with an {@link AppLoadError}, unless it is
 * `required: false`: then `start()` resolves with no tools and the client keeps
 * trying in the background (backoff doubling up to a cap) until it connects;
 * {@link McpClient.onToolsChanged} tells when the tools appear (and whenever
 * the server's list changes later).
 *
 * A connection lost mid-life (server restarted, session gone, child exited) is
 * opened again, with a fresh MCP session, by the next call, which is retried
 * once.
 *
 * @example
 * const client = new McpClient("search", config.mcp_servers.search, { log, cwd: projectDir });
 * await client.start();
 * const output = await client.callTool("search", { q: "weather" }, { signal });
 * await client.close();
 */
export class McpClient {
  readonly name: string;
  readonly #config: McpServerConfig;
  readonly #options: McpClientOptions;
  readonly #log: Logger;
  readonly #target: string;
  /** Aborted first thing in `close()`: pending calls and session openings. */
  readonly #closing = new AbortController();
  /** Aborted last thing in `close()`: any HTTP request still running. */
  readonly #httpDone = new AbortController();
  readonly #listeners = new Set<(tools: McpToolInfo[]) => void>();
  #client: Client | undefined;
  #opening: Promise<Client> | undefined;
  #tools: McpToolInfo[] = [];
  #retryTimer: NodeJS.Timeout | undefined;
  #started = false;
  #closed = false;

  constructor(name: string, config: McpServerConfig, options: McpClientOptions) {
    this.name = name;
    this.#config = config;
    this.#options = options;
    this.#log = options.log.child({ mcpServer: name });
    this.#target = describeMcpTarget(config);
  }

  /** How long one call may take, in milliseconds (the server's `timeout`). */
  get timeoutMs(): number {
    return this.#config.timeout * 1000;
  }

  /** Whether a session with the server is open now. */
  get connected(): boolean {
    return this.#client !== undefined;
  }

  /** Connects and lists the tools; see the class comment for `required: false`. Once it succeeded, calling it again does nothing. */
  async start(signal?: AbortSignal): Promise<void> {
    if (this.#closed) throw new Error(`MCP server "${this.name}": the client is closed`);
    if (this.#started) return;
    try {
      await this.#open(signal);
      this.#started = true;
    } catch (error) {
      const failure = new AppLoadError(`MCP server "${this.name}" (${this.#target}) could not be reached: ${this.#describe(error)}`, { cause: error });
      if (this.#config.required || signal?.aborted === true || this.#closed) throw failure;
      this.#log.warn({ err: failure.message }, "optional MCP server unreachable; retrying in the background, its tools are not available until it connects");
      this.#started = true;
      this.#scheduleRetry(0);
    }
  }

  /** The server's tools as last listed (none before the first connection). */
  tools(): McpToolInfo[] {
    return this.#tools.map((tool) => ({ ...tool }));
  }

  /**
   * Hears every change of the tool list: the first connection of a
   * `required: false` server, a reconnection that lists other tools, or the
   * server's own `tools/list_changed`. Returns the unsubscribe function.
   */
  onToolsChanged(listener: (tools: McpToolInfo[]) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Calls a tool; resolves to its output as text or content blocks. Each
   * attempt is bounded by the server's `timeout` and by `signal`. A result the
   * server flags as an error, and a server that stays unreachable, reject.
   */
  async callTool(name: string, input: Record<string, unknown>, options: { signal?: AbortSignal } = {}): Promise<string | ContentBlock[]> {
    if (this.#closed) throw new Error(`MCP server "${this.name}": the client is closed`);
    const signal = options.signal === undefined ? this.#closing.signal : AbortSignal.any([options.signal, this.#closing.signal]);
    let client = this.#client;
    let fresh = false;
    if (client === undefined) {
      client = await this.#reopen(undefined, signal);
      fresh = true;
    }
    let result: CallToolResult;
    try {
      result = await this.#call(client, name, input, signal);
    } catch (error) {
      if (signal.aborted) throw signalReason(signal); // the SDK wraps the reason in a "request timed out" McpError
      if (!isConnectionLoss(error)) throw error;
      if (fresh) throw this.#lost(error);
      this.#log.info({ err: this.#describe(error) }, "MCP connection lost; reconnecting");
      result = await this.#retry(client, name, input, signal);
    }
    return mcpResultToOutput(result);
  }

  /** Closes the session (a stdio server's process ends), stops retrying and aborts pending work. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    this.#closing.abort(new Error(`MCP server "${this.name}": the client is closed`));
    this.#listeners.clear();
    const client = this.#client;
    this.#client = undefined;
    await this.#opening?.catch(() => undefined);
    if (client !== undefined) {
      await this.#terminateSession(client);
      await closeQuietly(client);
    }
    this.#httpDone.abort();
  }

  /** Tells a Streamable HTTP server the session is over (a DELETE), so it can free it; best effort, briefly. */
  async #terminateSession(client: Client): Promise<void> {
    const { transport } = client;
    if (!(transport instanceof StreamableHTTPClientTransport) || transport.sessionId === undefined) return;
    try {
      await raceAbort(transport.terminateSession(), AbortSignal.timeout(TERMINATE_TIMEOUT_MS));
    } catch (error) {
      this.#log.debug({ err: this.#describe(error) }, "could not end the MCP session");
    }
  }

  /** The call again, once, on a fresh session in place of `stale`. */
  async #retry(stale: Client, name: string, input: Record<string, unknown>, signal: AbortSignal): Promise<CallToolResult> {
    const client = await this.#reopen(stale, signal);
    try {
      return await this.#call(client, name, input, signal);
    } catch (error) {
      if (signal.aborted) throw signalReason(signal);
      throw isConnectionLoss(error) ? this.#lost(error) : error;
    }
  }

  async #call(client: Client, name: string, input: Record<string, unknown>, signal: AbortSignal): Promise<CallToolResult> {
    const result = await client.callTool({ name, arguments: input }, CallToolResultSchema, { signal, timeout: this.timeoutMs });
    return result as CallToolResult;
  }

  /**
   * A new session in place of `stale` (or of none), shared by concurrent
   * callers; a failure is an Error naming the server.
   */
  async #reopen(stale: Client | undefined, signal: AbortSignal): Promise<Client> {
    if (this.#client !== undefined && this.#client !== stale) return this.#client;
    if (stale !== undefined) this.#drop(stale);
    const opening = (this.#opening ??= this.#open().finally(() => (this.#opening = undefined)));
    try {
      return await raceAbort(opening, signal);
    } catch (error) {
      if (signal.aborted) throw error;
      throw new Error(`MCP server "${this.name}" (${this.#target}) is unreachable: ${this.#describe(error)}`, { cause: error });
    }
  }

  /** The error for a call whose session was lost even after reconnecting. */
  #lost(error: unknown): Error {
    return new Error(`MCP server "${this.name}" (${this.#target}) lost the connection: ${this.#describe(error)}`, { cause: error });
  }

  /** Opens a session, lists the tools and makes it the current one. */
  async #open(signal?: AbortSignal): Promise<Client> {
    const timeout = Math.max(this.timeoutMs, MIN_OPEN_TIMEOUT_MS);
    const signals = [this.#closing.signal, AbortSignal.timeout(timeout)];
    if (signal !== undefined) signals.push(signal);
    const bounded = AbortSignal.any(signals);
    const client = new Client(CLIENT_INFO, {
      listChanged: { tools: { autoRefresh: false, onChanged: () => this.#refresh(client) } },
    });
    client.onclose = () => this.#drop(client);
    client.onerror = (error) => {
      this.#log.debug({ err: errorMessage(error) }, "MCP transport error");
      // The SSE stream broke: that session is gone even if the server comes back.
      if (error instanceof SseError) this.#drop(client);
    };
    const { transport, stderrTail } = createMcpTransport(this.name, this.#config, {
      projectDir: this.#options.cwd,
      log: this.#log,
      signal: this.#httpDone.signal,
    });
    let tools: McpToolInfo[];
    try {
      tools = await raceAbort(
        client.connect(transport, { signal: bounded, timeout }).then(() => listAllTools(client, bounded, timeout)),
        bounded,
      );
    } catch (error) {
      await closeQuietly(client);
      if (stderrTail.length === 0) throw error;
      throw new Error(`${errorMessage(error)} (stderr: ${stderrTail.join(" | ")})`, { cause: error });
    }
    if (this.#closed) {
      await closeQuietly(client);
      throw new Error(`MCP server "${this.name}": the client is closed`);
    }
    this.#client = client;
    this.#log.info({ tools: tools.map((tool) => tool.name) }, "MCP server connected");
    this.#setTools(tools);
    return client;
  }

  /** Forgets a session that is lost; closing it stops whatever its transport still runs. */
  #drop(client: Client): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    if (!this.#closed) this.#log.info("MCP connection closed; the next call reconnects");
    void closeQuietly(client);
  }

  #refresh(client: Client): void {
    listAllTools(client, this.#closing.signal, this.timeoutMs).then(
      (tools) => {
        if (this.#client === client) this.#setTools(tools);
      },
      (error: unknown) => this.#log.warn({ err: this.#describe(error) }, "could not list the MCP server's changed tools"),
    );
  }

  #setTools(tools: McpToolInfo[]): void {
    if (JSON.stringify(tools) === JSON.stringify(this.#tools)) return;
    this.#tools = tools;
    for (const listener of this.#listeners) {
      try {
        listener(this.tools());
      } catch (error) {
        this.#log.error({ err: errorMessage(error) }, "an onToolsChanged listener failed");
      }
    }
  }

  /** An error's message and causes, with any credentials in the server's URL hidden. */
  #describe(error: unknown): string {
    const text = describeError(error);
    return this.#config.transport === "stdio" ? text : text.replaceAll(this.#config.url, this.#target);
  }

  #scheduleRetry(attempt: number): void {
    if (this.#closed) return;
    const { initial, max } = this.#options.retryDelayMs ?? DEFAULT_RETRY;
    const delayMs = Math.min(initial * 2 ** attempt, max);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      if (this.#closed || this.#client !== undefined) return;
      this.#reopen(undefined, this.#closing.signal).then(
        () => undefined,
        (error: unknown) => {
          this.#log.debug({ err: this.#describe(error), attempt: attempt + 1 }, "optional MCP server still unreachable");
          this.#scheduleRetry(attempt + 1);
        },
      );
    }, delayMs);
    this.#retryTimer.unref();
  }
}

/** Every tool, following `nextCursor` until the server has no more pages. */
async function listAllTools(client: Client, signal: AbortSignal, timeout: number): Promise<McpToolInfo[]> {
  const tools: McpToolInfo[] = [];
  const seen = new Set<string>();
  let cursor: string | undefined;
  do {
    const page = await client.listTools(cursor === undefined ? {} : { cursor }, { signal, timeout });
    tools.push(...page.tools.map(toToolInfo));
    cursor = page.nextCursor;
    if (cursor !== undefined && seen.has(cursor)) break; // a server repeating a cursor would loop forever
    if (cursor !== undefined) seen.add(cursor);
  } while (cursor !== undefined);
  return tools;
}

function toToolInfo(tool: Tool): McpToolInfo {
  return { name: tool.name, ...(tool.description !== undefined && { description: tool.description }), inputSchema: tool.inputSchema };
}

/**
 * Whether a failed call means the session is gone (refused, reset, unknown
 * session, transport closed) rather than an answer from the server or a
 * timeout.
 */
function isConnectionLoss(error: unknown): boolean {
  if (error instanceof McpError) return error.code === ErrorCode.ConnectionClosed;
  return true;
}

async function closeQuietly(client: Client): Promise<void> {
  try {
    await client.close();
  } catch {
    // Closing a broken session fails the same way it broke; nothing is left to do.
  }
}

/** The message with its causes (`fetch failed: connect ECONNREFUSED 127.0.0.1:4000`). */
function describeError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  while (current !== undefined && current !== null && parts.length < 4) {
    const message = errorMessage(current);
    if (message !== "" && !parts.some((part) => part.includes(message))) parts.push(message);
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(": ");
}
