import { BroadcastChannel } from "node:worker_threads";
import { Piscina } from "piscina";
import type { AppConfig } from "../config/index.js";
import { AppLoadError, errorMessage } from "../errors.js";
import type { Logger, LogLevel } from "../logging/logger.js";
import type { Metrics } from "./metrics.js";
import type { StreamErrorCode } from "./sse-frames.js";
import { isWorkerEvent, type ControlMessage, type InvokeTask, type WorkerEvent, type WorkerInit } from "./worker-protocol.js";

/** Where a generation delivers one stream's frames. */
export interface StreamSink {
  /** Frames to write as they are, `messages` of them App messages. */
  write(frames: string, messages: number): void;
  /** The App threw: its APP_ERROR frame comes with the next frames. */
  appFailed(): void;
  /** The worker finished the request; `tail` holds its last frames, if they arrived with the end. */
  finish(tail?: string, messages?: number): void;
  /** The request cannot finish normally (its worker died). */
  fail(code: StreamErrorCode, message: string): void;
}

export interface GenerationOptions {
  id: number;
  projectDir: string;
  config: AppConfig;
  workers: number;
  logLevel: LogLevel;
  log: Logger;
  /** Where the workers' metric events and crashes are counted. */
  metrics?: Metrics;
}

const WORKER_FILE = new URL("../../workers/runtime-worker.js", import.meta.url);

/** This many unexpected thread exits within the window is a crash loop, logged loudly. */
const CRASH_LOOP_COUNT = 5;
const CRASH_LOOP_WINDOW_MS = 60_000;

/** How long a crashed stream waits for its thread's 'exit' before failing anyway. */
const CRASH_FLUSH_MS = 1_000;

/**
 * One piscina pool built from one configuration. It counts as started only
 * when every worker has initialized its Runtime and run the App's
 * `onStartup()`.
 */
export class Generation {
  readonly id: number;
  readonly #options: GenerationOptions;
  readonly #log: Logger;
  readonly #streams = new Map<number, StreamSink>();
  /** Checks run whenever a stream ends or a worker stops, for close() to wait on. */
  readonly #waiters = new Set<() => void>();
  readonly #control: BroadcastChannel;
  readonly #pool: Piscina;
  readonly #maxQueue: number;
  #onStartEvent: ((event: WorkerEvent | Error) => void) | undefined;
  #stopped = new Set<number>();
  #onStopped: (() => void) | undefined;
  #closing: Promise<void> | undefined;
  /** Streams whose task was rejected by a crash, failed once their thread has exited. */
  readonly #crashed = new Set<number>();
  #crashTimer: NodeJS.Timeout | undefined;
  readonly #watchedThreads = new WeakSet<object>();
  /** When threads died unexpectedly, for crash-loop detection. */
  #crashTimes: number[] = [];
  #destroyed = false;

  constructor(options: GenerationOptions) {
    this.id = options.id;
    this.#options = options;
    this.#log = options.log.child({ generation: options.id });
    const server = options.config.server;
    this.#maxQueue = server.max_queue;
    const controlChannel = `agentscope:generation:${process.pid}:${options.id}`;
    this.#control = new BroadcastChannel(controlChannel);
    const workerData: WorkerInit = {
      generation: options.id,
      projectDir: options.projectDir,
      config: options.config,
      controlChannel,
      logLevel: options.logLevel,
    };
    this.#pool = new Piscina({
      filename: WORKER_FILE.href,
      minThreads: options.workers,
      maxThreads: options.workers,
      idleTimeout: Number.POSITIVE_INFINITY,
      concurrentTasksPerWorker: server.tasks_per_worker,
      // 'sync' parks idle workers in Atomics.wait, freezing their timers and sockets.
      atomics: "disabled",
      resourceLimits: { maxOldGenerationSizeMb: server.worker_memory_mb },
      workerData,
    });
    this.#pool.on("message", this.#onMessage);
    this.#pool.on("error", this.#onPoolError);
    this.#pool.on("workerCreate", this.#watchThreads);
  }

  /**
   * Resolves once every worker's Runtime is up; rejects, with the pool
   * destroyed, if one fails or they are not all up within `timeoutMs`.
   */
  async start(timeoutMs = 120_000): Promise<void> {
    const ready = new Set<number>();
    let timer: NodeJS.Timeout | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        timer = setTimeout(
          () => reject(new AppLoadError(`workers did not finish starting within ${timeoutMs / 1000} s (App.onStartup() or an MCP server may hang)`)),
          timeoutMs,
        );
        this.#onStartEvent = (event) => {
          if (event instanceof Error) reject(new AppLoadError(`a worker died while starting: ${event.message}`));
          else if (event.t === "init-failed") reject(new AppLoadError(event.error));
          else if (event.t === "ready" && ready.add(event.threadId).size === this.#options.workers) resolve();
        };
      });
    } catch (error) {
      // Workers that did start may hold MCP servers and sessions: shut them down properly.
      await this.#stopWorkers(10_000);
      await this.#destroy();
      throw error;
    } finally {
      clearTimeout(timer);
      this.#onStartEvent = undefined;
    }
    this.#log.info({ workers: this.#options.workers }, "generation started");
  }

  get workers(): number {
    return this.#pool.threads.length;
  }

  /** Requests waiting for a worker slot. */
  get queueDepth(): number {
    return this.#pool.queueSize;
  }

  /** Share of the pool's capacity in use, 0 to 1 (piscina's measure). */
  get utilization(): number {
    return this.#pool.utilization;
  }

  /** Whether every worker slot is busy and the queue is full. */
  get saturated(): boolean {
    return this.#streams.size >= this.#capacity() + this.#maxQueue;
  }

  /** Sends a request to a worker; its frames go to `sink` until `finish` or `fail`. */
  dispatch(task: InvokeTask, sink: StreamSink): void {
    this.#streams.set(task.id, sink);
    this.#pool.run(task).catch((error: unknown) => {
      if (!this.#streams.has(task.id)) return;
      this.#log.error({ requestId: task.requestId, sessionId: task.sessionId, error: errorMessage(error) }, "worker crashed during a stream");
      // The crash can overtake frames the worker posted just before it: they
      // are all delivered by the time the thread's 'exit' event fires.
      this.#crashed.add(task.id);
      this.#crashTimer ??= setTimeout(this.#failCrashed, CRASH_FLUSH_MS);
    });
  }

  /** Asks the worker running `id` to stop it: its App generator is closed and its signal fires. */
  cancel(id: number): void {
    this.#streams.delete(id);
    this.#post({ t: "cancel", id });
  }

  /**
   * Lets in-flight streams finish (up to `drainMs`), then shuts every
   * worker's Runtime down (up to `stopMs`) and destroys the pool. Idempotent.
   */
  close(options: { drainMs: number; reason: "RELOADED" | "SHUTTING_DOWN"; stopMs?: number }): Promise<void> {
    this.#closing ??= this.#close(options.drainMs, options.reason, options.stopMs ?? 10_000);
    return this.#closing;
  }

  async #close(drainMs: number, reason: "RELOADED" | "SHUTTING_DOWN", stopMs: number): Promise<void> {
    await this.#waitFor(() => this.#streams.size === 0, drainMs);
    const why = reason === "RELOADED" ? "a new configuration took over and this stream outlasted server.drain_timeout" : "the server is shutting down";
    for (const [id, sink] of this.#streams) {
      this.cancel(id);
      sink.fail(reason, why);
    }
    await this.#stopWorkers(stopMs);
    await this.#destroy();
    this.#log.info("generation closed");
  }

  /** Asks every worker to shut its Runtime down (onShutdown, MCP clients) and waits, up to `stopMs`. */
  async #stopWorkers(stopMs: number): Promise<void> {
    const workers = this.workers;
    const stopped = this.#waitFor(() => this.#stopped.size >= workers, stopMs);
    this.#post({ t: "shutdown" });
    await stopped;
    if (this.#stopped.size < workers) this.#log.warn({ workers, stopped: this.#stopped.size }, "workers did not stop in time");
  }

  async #destroy(): Promise<void> {
    this.#destroyed = true;
    this.#failCrashed();
    this.#control.close();
    await this.#pool.destroy();
  }

  #capacity(): number {
    return this.#options.workers * this.#options.config.server.tasks_per_worker;
  }

  #post(message: ControlMessage): void {
    this.#control.postMessage(message);
  }

  /** Resolves when `done()` holds (checked on each finished stream and stopped worker) or after `ms`. */
  #waitFor(done: () => boolean, ms: number): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve();
      };
      const check = (): void => {
        if (done()) finish();
      };
      const timer = setTimeout(finish, ms);
      this.#waiters.add(check);
    });
  }

  #notify(): void {
    for (const check of [...this.#waiters]) check();
  }

  readonly #onMessage = (event: unknown): void => {
    if (!isWorkerEvent(event)) return;
    switch (event.t) {
      case "batch": {
        const metrics = this.#options.metrics;
        for (const id of event.appErrors) this.#streams.get(id)?.appFailed();
        const ended = event.ended.length > 0 ? new Set(event.ended) : undefined;
        for (const [id, data, messages] of event.frames) {
          const sink = this.#streams.get(id);
          if (sink === undefined) continue;
          if (messages > 0) metrics?.messages(messages);
          if (ended?.has(id) === true) {
            // The stream's last frames and its end travel together: one write.
            this.#streams.delete(id);
            sink.finish(data, messages);
          } else {
            sink.write(data, messages);
          }
        }
        for (const id of event.ended) {
          const sink = this.#streams.get(id);
          if (sink === undefined) continue;
          this.#streams.delete(id);
          sink.finish();
        }
        if (metrics !== undefined) {
          for (const metric of event.events) {
            if (metric.k === "model") metrics.modelCall(metric.report);
            else metrics.toolCall(metric.report);
          }
        }
        if (ended !== undefined && this.#waiters.size > 0) this.#notify();
        return;
      }
      case "ready":
      case "init-failed":
        if (this.#onStartEvent) this.#onStartEvent(event);
        else if (event.t === "init-failed") this.#log.error({ error: event.error }, "a replacement worker failed to start");
        else this.#log.info({ thread: event.threadId }, "replacement worker ready");
        return;
      case "stopped":
        this.#stopped.add(event.threadId);
        if (event.error !== null) this.#log.error({ thread: event.threadId, error: event.error }, "runtime shutdown failed");
        this.#notify();
        return;
    }
  };

  /** Listens for the exit of every thread not watched yet. */
  readonly #watchThreads = (): void => {
    for (const thread of this.#pool.threads) {
      if (this.#watchedThreads.has(thread)) continue;
      this.#watchedThreads.add(thread);
      thread.once("exit", this.#onThreadExit);
    }
  };

  readonly #onThreadExit = (): void => {
    if (this.#closing === undefined && !this.#destroyed) {
      this.#options.metrics?.workerCrashed();
      const now = performance.now();
      this.#crashTimes = [...this.#crashTimes.filter((at) => now - at < CRASH_LOOP_WINDOW_MS), now];
      if (this.#crashTimes.length >= CRASH_LOOP_COUNT) {
        this.#log.error({ crashes: this.#crashTimes.length, windowSeconds: CRASH_LOOP_WINDOW_MS / 1000 }, "worker crash loop: the App keeps killing its threads");
      }
    }
    this.#failCrashed();
  };

  readonly #failCrashed = (): void => {
    clearTimeout(this.#crashTimer);
    this.#crashTimer = undefined;
    for (const id of this.#crashed) {
      const sink = this.#streams.get(id);
      if (sink === undefined) continue;
      this.#streams.delete(id);
      sink.fail("WORKER_CRASHED", "the worker running this request crashed");
    }
    this.#crashed.clear();
    if (this.#waiters.size > 0) this.#notify();
  };

  readonly #onPoolError = (error: Error): void => {
    if (this.#onStartEvent) this.#onStartEvent(error);
    else this.#log.error({ error: error.message }, "a worker crashed");
  };
}
