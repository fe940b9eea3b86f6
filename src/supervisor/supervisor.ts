import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { loadConfig, parseByteSize, parseConfig, type AppConfig } from "../config/index.js";
import { errorMessage } from "../errors.js";
import type { Logger, LogLevel } from "../logging/logger.js";
import { ConfigWatcher } from "./config-watcher.js";
import { Generation } from "./generation.js";
import { createRequestListener } from "./http-app.js";
import { createInvokeHandler } from "./invoke-handler.js";
import { Metrics } from "./metrics.js";
import { PlatformClient } from "./platform-client.js";
import type { InvokeStream } from "./invoke-stream.js";
import { RedisSessionLock } from "./redis-session-lock.js";
import type { LastReload, ReloadResult } from "./reload-status.js";
import { SessionGate } from "./session-gate.js";
import { SessionQueue } from "./session-queue.js";

export interface SupervisorOptions {
  projectDir: string;
  /** The config file, read again on reload. */
  configFile: string;
  /** The config at start, command-line overrides applied. */
  config: AppConfig;
  /** Applies the command-line overrides to a reloaded config (flags win over the file). */
  applyOverrides?: (config: AppConfig) => AppConfig;
  /** Reload when the config file changes (default true). */
  watchConfig?: boolean;
  /** `--no-platform`: never report to the management platform. */
  noPlatform?: boolean;
  logLevel: LogLevel;
  log: Logger;
}

const PING_INTERVAL_MS = 15_000;

/**
 * The main thread: owns the HTTP server, the configuration and the serving
 * generation, and swaps generations on reload; it never runs user code.
 */
export class Supervisor {
  readonly #options: SupervisorOptions;
  readonly #log: Logger;
  readonly #server: Server;
  readonly #streams = new Set<InvokeStream>();
  readonly #sessions: SessionGate;
  readonly #metrics: Metrics;
  readonly #startedAt = performance.now();
  readonly #watcher: ConfigWatcher | undefined;
  #config: AppConfig;
  #generation: Generation | undefined;
  /** Old generations finishing their streams. */
  readonly #draining = new Set<Promise<void>>();
  #generations = 0;
  #lastReload: LastReload | null = null;
  /** Reloads run one at a time; a trigger that arrives while one waits joins it. */
  #reloadChain: Promise<unknown> = Promise.resolve();
  #queuedReload: Promise<ReloadResult> | undefined;
  #ping: NodeJS.Timeout | undefined;
  #platform: PlatformClient | undefined;
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
    this.#metrics = new Metrics({
      workers: () => this.#generation?.workers ?? 0,
      queueDepth: () => this.#generation?.queueDepth ?? 0,
      utilization: () => this.#generation?.utilization ?? 0,
      activeStreams: () => this.#streams.size,
    });
    const invoke = createInvokeHandler({
      generation: () => this.#generation,
      bodyLimit: () => parseByteSize(this.#config.server.body_limit) ?? 1024 * 1024,
      authToken: () => this.#config.server.auth_token,
      requestTimeoutMs: () => this.#config.server.request_timeout * 1000,
      sessionWaitMs: () => this.#config.server.session_wait_timeout * 1000,
      sessions: this.#sessions,
      metrics: this.#metrics,
      streams: this.#streams,
      log: this.#log,
    });
    const status = {
      instanceId: () => this.#config.platform.instance_id ?? null,
      uptime: () => Math.round(performance.now() - this.#startedAt) / 1000,
      serving: () => this.#generation && { generation: this.#generation.id, workers: this.#generation.workers },
      lastReload: () => this.#lastReload,
      adminToken: () => this.#config.server.admin_token,
      reload: () => this.reload("POST /admin/reload"),
      metricsToken: () => this.#config.server.metrics_token,
      metrics: () => this.#metrics.registry.metrics(),
      metricsContentType: this.#metrics.registry.contentType,
    };
    this.#server = createServer({ keepAliveTimeout: 65_000 }, createRequestListener(invoke, status, this.#log));
    if (options.watchConfig !== false) this.#watcher = new ConfigWatcher(options.configFile, () => void this.reload("config file changed"));
  }

  /** Listens (so /health answers during start-up), then starts the first generation. */
  async start(): Promise<string> {
    const { host, port } = this.#config.server;
    await new Promise<void>((resolve, reject) => {
      this.#server.once("error", reject);
      // A deep accept queue: a burst of new streams is not dropped into SYN retries (the kernel caps it at somaxconn).
      this.#server.listen({ port, host, backlog: 4096 }, () => {
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
    this.#watcher?.start();
    this.#startPlatform();
    this.#log.info({ url, generation: this.#generation.id }, "ready");
    return url;
  }

  get url(): string {
    const address = this.#server.address() as AddressInfo;
    const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}`;
  }

  /**
   * Builds a generation from the config file (or from `raw`, a config object
   * the platform sent), waits until every worker has started, routes new
   * requests to it in one step, and lets the old generation finish its
   * streams. A config that fails to load or to start leaves the serving
   * generation as it is. Never throws: the result says what happened.
   */
  reload(trigger: string, raw?: unknown): Promise<ReloadResult> {
    if (raw === undefined && this.#queuedReload !== undefined) return this.#queuedReload;
    const result = this.#reloadChain.then(() => {
      if (raw === undefined && this.#queuedReload === result) this.#queuedReload = undefined;
      return this.#reloadNow(trigger, raw);
    });
    if (raw === undefined) this.#queuedReload = result;
    this.#reloadChain = result;
    return result;
  }

  async #reloadNow(trigger: string, raw: unknown): Promise<ReloadResult> {
    if (this.#closing !== undefined) return this.#record(false, "the server is shutting down");
    const started = performance.now();
    this.#log.info({ trigger }, "reloading");
    let next: Generation;
    let config: AppConfig;
    try {
      const loaded =
        raw === undefined
          ? await loadConfig({ projectDir: this.#options.projectDir, configPath: this.#options.configFile })
          : parseConfig(raw, { file: "platform config" });
      for (const warning of loaded.warnings) this.#log.warn(warning);
      config = this.#options.applyOverrides?.(loaded.config) ?? loaded.config;
      this.#warnAboutRestartOnly(config);
      next = await this.#startGeneration(config);
    } catch (error) {
      this.#log.error({ trigger, error: errorMessage(error) }, "reload failed; the previous configuration keeps serving");
      return this.#record(false, errorMessage(error));
    }
    if (this.#closing !== undefined) {
      await next.close({ drainMs: 0, reason: "SHUTTING_DOWN" });
      return this.#record(false, "the server is shutting down");
    }
    const previous = this.#generation;
    this.#generation = next;
    this.#config = config;
    const tookMs = Math.round(performance.now() - started);
    this.#log.info({ trigger, generation: next.id, tookMs }, "reloaded: new requests go to the new generation");
    if (previous !== undefined) this.#drain(previous);
    return { ...this.#record(true, null), tookMs };
  }

  #record(ok: boolean, error: string | null): ReloadResult {
    this.#metrics.reload(ok);
    this.#lastReload = { ok, error, at: new Date().toISOString() };
    return { ...this.#lastReload, generation: this.#generation?.id ?? null };
  }

  /** The old generation finishes its streams (up to drain_timeout) in the background, then shuts down. */
  #drain(generation: Generation): void {
    const drained = generation
      .close({ drainMs: this.#config.server.drain_timeout * 1000, reason: "RELOADED" })
      .catch((error: unknown) => this.#log.error({ generation: generation.id, error: errorMessage(error) }, "closing an old generation failed"))
      .finally(() => this.#draining.delete(drained));
    this.#draining.add(drained);
  }

  /** Settings bound at start (the listening socket, the session lock) change only with a restart. */
  #warnAboutRestartOnly(next: AppConfig): void {
    const current = this.#config;
    const changed: string[] = [];
    if (next.server.port !== current.server.port) changed.push("server.port");
    if (next.server.host !== current.server.host) changed.push("server.host");
    if (JSON.stringify(next.session) !== JSON.stringify(current.session)) changed.push("session (the supervisor's per-session lock)");
    if (JSON.stringify(next.platform) !== JSON.stringify(current.platform)) changed.push("platform (the heartbeat client)");
    if (changed.length > 0) this.#log.warn({ keys: changed }, "these settings take effect only after a restart");
  }

  /**
   * Stops accepting, lets in-flight streams finish (up to
   * `server.drain_timeout`), shuts every worker's runtime down. Idempotent.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  /** The heartbeat to the management platform, when the config names one and --no-platform is absent. */
  #startPlatform(): void {
    const platform = this.#config.platform;
    if (!PlatformClient.enabled(platform, this.#options.noPlatform === true)) return;
    this.#platform = new PlatformClient({
      config: platform,
      log: this.#log,
      metrics: () => ({
        active_sessions: this.#sessions.activeSessions,
        total_requests: this.#metrics.totalRequests,
        memory_usage_mb: Math.round(process.memoryUsage().rss / (1024 * 1024)),
      }),
      reload: (trigger, raw) => this.reload(trigger, raw),
    });
    this.#platform.start();
  }

  async #close(): Promise<void> {
    this.#watcher?.close();
    await this.#platform?.close();
    const generation = this.#generation;
    this.#generation = undefined;
    const serverClosed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeIdleConnections();
    await Promise.all([
      generation?.close({ drainMs: this.#config.server.drain_timeout * 1000, reason: "SHUTTING_DOWN" }),
      ...this.#draining,
    ]);
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
      metrics: this.#metrics,
    });
    await generation.start();
    return generation;
  }
}
