import { signalReason } from "../abort.js";
import { HttpError } from "./http-error.js";

export type Release = () => void;

interface Waiter {
  grant: (release: Release) => void;
  fail: (error: unknown) => void;
}

/**
 * One turn at a time per session on this instance: requests for a session
 * that is busy wait their turn in arrival order, up to a bound, so an App's
 * load-state / run / save-state is never interleaved.
 */
export class SessionQueue {
  /** Sessions with a turn running, each with the requests waiting behind it. */
  readonly #sessions = new Map<string, Waiter[]>();

  /** How many sessions have a request in flight now. */
  get activeSessions(): number {
    return this.#sessions.size;
  }

  /**
   * The session's turn: at once when it is idle (no promise on the hot
   * path), else when the turns before it end. Rejects with 409 SESSION_BUSY
   * after `timeoutMs`, or with the signal's reason when it aborts.
   */
  acquire(sessionId: string, timeoutMs: number, signal: AbortSignal): Release | Promise<Release> {
    const waiters = this.#sessions.get(sessionId);
    if (waiters === undefined) {
      this.#sessions.set(sessionId, []);
      return this.#releaser(sessionId);
    }
    return new Promise<Release>((resolve, reject) => {
      const waiter: Waiter = {
        grant: (release) => {
          done();
          resolve(release);
        },
        fail: (error) => {
          done();
          reject(error);
        },
      };
      const leave = (error: unknown): void => {
        const index = waiters.indexOf(waiter);
        if (index !== -1) waiters.splice(index, 1);
        waiter.fail(error);
      };
      const timer = setTimeout(() => leave(busy(sessionId, timeoutMs)), timeoutMs);
      const onAbort = (): void => leave(signalReason(signal));
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      waiters.push(waiter);
    });
  }

  #releaser(sessionId: string): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const waiters = this.#sessions.get(sessionId);
      const next = waiters?.shift();
      if (next === undefined) this.#sessions.delete(sessionId);
      else next.grant(this.#releaser(sessionId));
    };
  }
}

export function busy(sessionId: string, timeoutMs: number): HttpError {
  return new HttpError(
    409,
    "SESSION_BUSY",
    `session_id "${sessionId.slice(0, 100)}" is busy: its previous request did not finish within ${timeoutMs / 1000} s (server.session_wait_timeout)`,
  );
}
