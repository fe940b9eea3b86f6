import type { AppConfig } from "../config/index.js";
import type { LogLevel } from "../logging/logger.js";
import type { MsgDict } from "../message/index.js";
import type { ModelCallReport } from "../models/index.js";
import type { ToolCallReport } from "../tools/index.js";

/** What a worker's runtime reports for the supervisor's metrics. */
export type WorkerMetricEvent = { k: "model"; report: ModelCallReport } | { k: "tool"; report: ToolCallReport };

/** What each worker of a generation is started with (piscina's `workerData`). */
export interface WorkerInit {
  generation: number;
  projectDir: string;
  config: AppConfig;
  /** Name of the generation's BroadcastChannel for control messages. */
  controlChannel: string;
  logLevel: LogLevel;
}

/** One /invoke, as dispatched to the pool. */
export interface InvokeTask {
  id: number;
  /** The request's X-Request-Id, for the worker's log lines. */
  requestId: string;
  sessionId: string;
  message: MsgDict;
  metadata: Record<string, unknown>;
}

/**
 * Worker → supervisor, over the worker's parentPort (the pool's 'message'
 * event). Streams are multiplexed by request id on that one port (a channel
 * per request costs a third of the throughput), and what a worker produces in
 * one turn of its event loop travels as one batch: one message, however many
 * streams and frames.
 */
export type WorkerEvent =
  | {
      t: "batch";
      /** Request id, the SSE frames it produced (concatenated, in order), and how many were App messages. */
      frames: Array<[id: number, data: string, messages: number]>;
      /** Requests whose App threw (their APP_ERROR frame is among the frames). */
      appErrors: number[];
      events: WorkerMetricEvent[];
      /**
       * Requests whose work is over, after their frames above. In-band:
       * piscina may resolve `run()` before the last frames arrive.
       */
      ended: number[];
    }
  | { t: "ready"; threadId: number }
  | { t: "init-failed"; threadId: number; error: string }
  | { t: "stopped"; threadId: number; error: string | null };

/**
 * Supervisor → every worker of a generation, over its BroadcastChannel:
 * piscina owns each worker's parentPort, and its own abort ends the thread.
 */
export type ControlMessage = { t: "cancel"; id: number } | { t: "shutdown" };

export function isWorkerEvent(value: unknown): value is WorkerEvent {
  return typeof value === "object" && value !== null && typeof (value as { t?: unknown }).t === "string";
}
