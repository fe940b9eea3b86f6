import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { delay } from "../abort.js";
import { busy, type Release } from "./session-queue.js";

/** How long a lock lives unless renewed: a crashed instance blocks its sessions no longer than this. */
const LOCK_TTL_MS = 30_000;
const RENEW_EVERY_MS = 10_000;

const RELEASE_SCRIPT = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;
const RENEW_SCRIPT = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("pexpire", KEYS[1], ARGV[2]) else return 0 end`;

/**
 * One turn at a time per session across every instance sharing a Redis: a
 * lock taken with SET NX and an expiry, under a token only its holder knows,
 * renewed while the turn runs, released only by its holder.
 */
export class RedisSessionLock {
  readonly #redis: Redis;
  readonly #prefix: string;
  #closed = false;

  constructor(url: string, keyPrefix: string) {
    this.#redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
    this.#redis.on("error", () => {});
    this.#prefix = `${keyPrefix}lock:`;
  }

  /**
   * Waits (polling, up to `timeoutMs`) for the session's lock; 409
   * SESSION_BUSY past that, naming the configured wait `configuredMs`.
   */
  async acquire(sessionId: string, timeoutMs: number, signal: AbortSignal, configuredMs = timeoutMs): Promise<Release> {
    const key = this.#prefix + sessionId;
    const token = randomUUID();
    const deadline = performance.now() + timeoutMs;
    for (let pause = 5; ; pause = Math.min(pause * 2, 25)) {
      if ((await this.#redis.set(key, token, "PX", LOCK_TTL_MS, "NX")) === "OK") break;
      if (performance.now() + pause > deadline) throw busy(sessionId, configuredMs);
      await delay(pause, signal);
    }
    const renew = setInterval(() => {
      this.#redis.eval(RENEW_SCRIPT, 1, key, token, String(LOCK_TTL_MS)).catch(() => {});
    }, RENEW_EVERY_MS).unref();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      clearInterval(renew);
      this.#redis.eval(RELEASE_SCRIPT, 1, key, token).catch(() => {});
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#redis.disconnect();
  }
}

