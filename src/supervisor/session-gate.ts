import type { RedisSessionLock } from "./redis-session-lock.js";
import type { Release, SessionQueue } from "./session-queue.js";

/**
 * A request's turn on its session: first on this instance (the queue), then,
 * with the redis backend, across instances (the lock).
 */
export class SessionGate {
  readonly #queue: SessionQueue;
  readonly #lock: RedisSessionLock | undefined;

  constructor(queue: SessionQueue, lock: RedisSessionLock | undefined) {
    this.#queue = queue;
    this.#lock = lock;
  }

  get activeSessions(): number {
    return this.#queue.activeSessions;
  }

  /** The release of the turn, synchronously when the session is idle here and no lock is needed. */
  acquire(sessionId: string, timeoutMs: number, signal: AbortSignal): Release | Promise<Release> {
    const started = performance.now();
    const local = this.#queue.acquire(sessionId, timeoutMs, signal);
    if (this.#lock === undefined) return local;
    return this.#withLock(local, sessionId, timeoutMs, started, signal);
  }

  async #withLock(local: Release | Promise<Release>, sessionId: string, timeoutMs: number, started: number, signal: AbortSignal): Promise<Release> {
    const releaseLocal = await local;
    try {
      const remaining = Math.max(0, timeoutMs - (performance.now() - started));
      const releaseLock = await this.#lock!.acquire(sessionId, remaining, signal, timeoutMs);
      return () => {
        releaseLock();
        releaseLocal();
      };
    } catch (error) {
      releaseLocal();
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.#lock?.close();
  }
}
