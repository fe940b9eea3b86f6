import type { Provider } from "./providers.js";

/**
 * The parsed `agentapp.yaml`, with every default filled in. Keys are spelled
 * exactly as in the YAML (snake_case); durations are in seconds.
 */
export interface AppConfig {
  /** Path of the App module, relative to the project folder. */
  app?: string;
  models: Record<string, ModelConfig>;
  mcp_servers: Record<string, McpServerConfig>;
  session: SessionConfig;
  platform: PlatformConfig;
  tracing: TracingConfig;
  server: ServerConfig;
}

interface ModelConfigBase {
  api_key?: string;
  /** An http(s) URL, honoured for every provider. */
  base_url?: string;
  stream: boolean;
  generate_kwargs: Record<string, unknown>;
  client_kwargs: Record<string, unknown>;
}

/** A model slot served by a real provider. */
export interface ProviderModelConfig extends ModelConfigBase {
  provider: Exclude<Provider, "scripted">;
  model: string;
  script?: undefined;
  delay_ms?: undefined;
  chunk_chars?: undefined;
  exhausted?: undefined;
}

/** A model slot that replays a script: no network, no key. */
export interface ScriptedModelConfig extends ModelConfigBase {
  provider: "scripted";
  /** Defaults to `"scripted"`. */
  model: string;
  /** One step per model call, in order. */
  script: ScriptStep[];
  /** Pause between streamed chunks, in milliseconds. */
  delay_ms: number;
  /** Characters per streamed text chunk. */
  chunk_chars: number;
  /** What a call past the end of the script does. */
  exhausted: "cycle" | "error";
}

/** One model slot under `models:`. */
export type ModelConfig = ProviderModelConfig | ScriptedModelConfig;

/** One reply of a scripted model; has at least one of text, thinking, tool_calls. */
export interface ScriptStep {
  text?: string;
  thinking?: string;
  tool_calls?: ScriptToolCall[];
  usage?: { input_tokens: number; output_tokens: number };
}

/** A tool call in a scripted reply; the id is generated when absent. */
export interface ScriptToolCall {
  id?: string;
  name: string;
  input: Record<string, unknown>;
}

interface McpServerConfigBase {
  headers: Record<string, string>;
  /** Seconds. */
  timeout: number;
  /** Seconds. */
  sse_read_timeout: number;
  /** Whether the runtime fails to start when this server cannot be reached. */
  required: boolean;
}

/** An MCP server reached over HTTP. */
export interface HttpMcpServerConfig extends McpServerConfigBase {
  transport: "streamable_http" | "sse";
  url: string;
}

/** An MCP server run as a child process speaking over stdio. */
export interface StdioMcpServerConfig extends McpServerConfigBase {
  transport: "stdio";
  command: string;
  args: string[];
  env?: Record<string, string>;
  cwd?: string;
}

/** One MCP server under `mcp_servers:`. */
export type McpServerConfig = HttpMcpServerConfig | StdioMcpServerConfig;

interface SessionConfigBase {
  save_dir: string;
  key_prefix: string;
  /** Seconds. */
  ttl?: number;
}

/** The `session:` section. */
export type SessionConfig =
  | (SessionConfigBase & { backend: "json" | "memory"; redis_url?: string })
  | (SessionConfigBase & { backend: "redis"; redis_url: string });

/** The `platform:` section. */
export interface PlatformConfig {
  endpoint?: string;
  instance_id?: string;
  /** Seconds. */
  heartbeat_interval: number;
  token?: string;
}

/** The `tracing:` section. */
export interface TracingConfig {
  endpoint?: string;
}

/** The `server:` section. */
export interface ServerConfig {
  port: number;
  host: string;
  workers: number;
  tasks_per_worker: number;
  max_queue: number;
  /** Seconds. */
  request_timeout: number;
  /** Seconds. */
  drain_timeout: number;
  /** Seconds. */
  session_wait_timeout: number;
  worker_memory_mb: number;
  /** A byte count or a size such as `"1mb"` (see `parseByteSize`). */
  body_limit: string | number;
  auth_token?: string;
  admin_token?: string;
  metrics_token?: string;
}
