/**
 * The piscina entry of every worker thread: one Runtime per thread, and the
 * invoke task that streams an App's messages back to the supervisor.
 */
import { BroadcastChannel, parentPort, threadId, workerData } from "node:worker_threads";
import { raceAbort } from "../src/abort.js";
import { errorMessage } from "../src/errors.js";
import { Msg } from "../src/index.js";
import { createLogger } from "../src/logging/logger.js";
import { runtime } from "../src/index.js";
import { SessionContext } from "../src/runtime/session-context.js";
import { Outbox } from "../src/supervisor/outbox.js";
import { dataFrame, errorFrame } from "../src/supervisor/sse-frames.js";
import type { ControlMessage, InvokeTask, WorkerEvent, WorkerInit } from "../src/supervisor/worker-protocol.js";

const init = workerData as WorkerInit;
const log = createLogger(init.logLevel, { generation: init.generation, thread: threadId });
const port = parentPort!;
const post = (event: WorkerEvent): void => port.postMessage(event);
const outbox = new Outbox(post);

/** The streams this thread runs now, by request id, each with its cancel switch. */
const active = new Map<number, AbortController>();

const control = new BroadcastChannel(init.controlChannel);
control.onmessage = (event: unknown): void => {
  const message = (event as { data: ControlMessage }).data;
  if (message.t === "cancel") active.get(message.id)?.abort(new DOMException("the client went away", "AbortError"));
  else if (message.t === "shutdown") void shutdown();
};

runtime.onModelCall((report) => outbox.event({ k: "model", report }));
const ready: Promise<boolean> = runtime.initialize({ projectDir: init.projectDir, config: init.config, log }).then(
  () => {
    runtime.tools.onToolCall((report) => outbox.event({ k: "tool", report }));
    post({ t: "ready", threadId });
    return true;
  },
  (error: unknown) => {
    log.debug({ err: error }, "runtime failed to start");
    post({ t: "init-failed", threadId, error: errorMessage(error) });
    return false;
  },
);

let stopping: Promise<void> | undefined;

function shutdown(): Promise<void> {
  stopping ??= (async () => {
    await ready;
    for (const controller of active.values()) controller.abort(new DOMException("the worker is shutting down", "AbortError"));
    let failure: string | null = null;
    try {
      await runtime.shutdown();
    } catch (error) {
      failure = errorMessage(error);
    }
    post({ t: "stopped", threadId, error: failure });
    control.close();
  })();
  return stopping;
}

/** Runs one /invoke; the stream's end is reported in-band, after its last frame. */
export default async function invoke(task: InvokeTask): Promise<void> {
  const controller = new AbortController();
  active.set(task.id, controller);
  try {
    if (!(await ready)) {
      outbox.frame(task.id, errorFrame("WORKER_CRASHED", "the worker's runtime failed to start"), false);
      return;
    }
    await streamApp(task, controller.signal);
  } finally {
    active.delete(task.id);
    outbox.end(task.id);
  }
}

async function streamApp(task: InvokeTask, signal: AbortSignal): Promise<void> {
  const ctx = new SessionContext(task.sessionId, task.metadata, signal);
  let iterator: AsyncIterator<unknown> | undefined;
  try {
    // The supervisor validated the message; the dict crossed threads intact.
    iterator = runtime.app.call(new Msg(task.message), ctx)[Symbol.asyncIterator]();
    for (;;) {
      const step = await raceAbort(iterator.next(), signal);
      if (step.done === true) return;
      outbox.frame(task.id, dataFrame(JSON.stringify(wireDict(step.value))));
    }
  } catch (error) {
    if (signal.aborted) return;
    log.warn({ requestId: task.requestId, sessionId: task.sessionId, error: errorMessage(error) }, "app error");
    log.debug({ requestId: task.requestId, err: error }, "app error stack");
    outbox.appError(task.id, errorFrame("APP_ERROR", errorMessage(error)));
  } finally {
    // The generator may be mid-await; return() runs its finally blocks as soon as it can.
    if (signal.aborted) iterator?.return?.().catch(() => {});
  }
}

function wireDict(value: unknown): unknown {
  if (value instanceof Msg) return value.toDict();
  return Msg.fromDict(value, "yielded message").toDict();
}
