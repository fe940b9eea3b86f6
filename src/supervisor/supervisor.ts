import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { parseByteSize, type AppConfig } from "../config/index.js";
import type { Logger, LogLevel } from "../logging/logger.js";
import { Generation } from "./generation.js";
import { createRequestListener } from "./http-app.js";
import { createInvokeHandler } from "./invoke-handler.js";
import type { InvokeStream } from "./invoke-stream.js";
import { RedisSessionLock } from "./redis-session-lock.js";
import { SessionGate } from "./session-gate.js";
import { SessionQueue } from "./session-queue.js";

export interface SupervisorOptions {
  projectDir: string;
  /** The config with command-line overrides already applied. */
  config: AppConfig;
  logLevel: LogLevel;
  log: Logger;
}

const PING_INTERVAL_MS = 15_000;

/**
 * The main thread: owns the HTTP server and the serving generation, never
 * runs user code.
 */
export class Supervisor {
  readonly #options: SupervisorOptions;
  readonly #log: Logger;
  readonly #server: Server;
  readonly #streams = new Set<InvokeStream>();
  readonly #sessions: SessionGate;
  readonly #startedAt = performance.now();
  #config: AppConfig;
  #generation: Generation | undefined;
  #generations = 0;
  #ping: NodeJS.Timeout | undefined;
  #closing: Promise<void> | undefined;

  constructor(options: SupervisorOptions) {
    this.#options = options;
    this.#log = options.log;
    this.#config = options.config;
    const session = options.config.session;
    this.#sessions = new SessionGate(
      new SessionQueue(),
      session.backend === "redis" ? new RedisSessionLock(session.redis_url, session.key_prefix) : undefined,
    );
    const invoke = createInvokeHandler({
      generation: () => this.#generation,
      bodyLimit: () => parseByteSize(this.#config.server.body_limit) ?? 1024 * 1024,
      authToken: () => this.#config.server.auth_token,
      requestTimeoutMs: () => this.#config.server.request_timeout * 1000,
      sessionWaitMs: () => this.#config.server.session_wait_timeout * 1000,
      sessions: this.#sessions,
      streams: this.#streams,
      log: this.#log,
    });
    const status = {
      instanceId: () => this.#config.platform.instance_id ?? null,
      uptime: () => Math.round(performance.now() - this.#startedAt) / 1000,
      serving: () => this.#generation && { generation: this.#generation.id, workers: this.#generation.workers },
    };
    this.#server = createServer({ keepAliveTimeout: 65_000 }, createRequestListener(invoke, status, this.#log));
  }

  /** Listens (so /health answers during start-up), then starts the first generation. */
  async start(): Promise<string> {
    const { host, port } = this.#config.server;
    await new Promise<void>((resolve, reject) => {
      this.#server.once("error", reject);
      this.#server.listen(port, host, () => {
        this.#server.off("error", reject);
        resolve();
      });
    });
    this.#ping = setInterval(() => {
      for (const stream of this.#streams) stream.ping();
    }, PING_INTERVAL_MS).unref();
    const url = this.url;
    this.#log.info({ url, workers: this.#config.server.workers }, "listening; starting workers");
    try {
      this.#generation = await this.#startGeneration(this.#config);
    } catch (error) {
      await this.close();
      throw error;
    }
    this.#log.info({ url, generation: this.#generation.id }, "ready");
    return url;
  }

  get url(): string {
    const address = this.#server.address() as AddressInfo;
    const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}`;
  }

  /**
   * Stops accepting, lets in-flight streams finish (up to
   * `server.drain_timeout`), shuts every worker's runtime down. Idempotent.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    const generation = this.#generation;
    this.#generation = undefined;
    const serverClosed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeIdleConnections();
    await generation?.close(this.#config.server.drain_timeout * 1000);
    clearInterval(this.#ping);
    await this.#sessions.close();
    this.#server.closeAllConnections();
    await serverClosed;
    this.#log.info("stopped");
  }

  async #startGeneration(config: AppConfig): Promise<Generation> {
    const generation = new Generation({
      id: ++this.#generations,
      projectDir: this.#options.projectDir,
      config,
      workers: config.server.workers,
      logLevel: this.#options.logLevel,
      log: this.#log,
    });
    await generation.start();
    return generation;
  }
}
