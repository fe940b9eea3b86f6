import { Redis } from "ioredis";
import { SessionCorruptError } from "./json-session-store.js";
import { SessionStore, type SessionState } from "./session-store.js";

export interface RedisSessionStoreOptions {
  url: string;
  /** Prepended to every session id to form its key. */
  keyPrefix: string;
  /** Seconds a session lives after its last save; forever when absent. */
  ttl?: number;
}

/**
 * Sessions in Redis: shared by every worker and every instance pointing at
 * the same server, the path for deployments that outgrow one machine. A
 * session id is used as a (binary-safe) key suffix, never parsed.
 */
export class RedisSessionStore extends SessionStore {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #ttl: number | undefined;
  #closed = false;

  constructor(options: RedisSessionStoreOptions) {
    super();
    this.#redis = new Redis(options.url, { lazyConnect: true, maxRetriesPerRequest: 2 });
    // Errors surface on the commands that fail; an unhandled 'error' event would crash the worker.
    this.#redis.on("error", () => {});
    this.#prefix = options.keyPrefix;
    this.#ttl = options.ttl;
  }

  keyOf(sessionId: string): string {
    return this.#prefix + sessionId;
  }

  async get(sessionId: string): Promise<SessionState | undefined> {
    const text = await this.#redis.get(this.keyOf(sessionId));
    if (text === null) return undefined;
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) return parsed as SessionState;
    } catch {
      // Reported below, naming the session.
    }
    throw new SessionCorruptError(sessionId, `redis key ${this.keyOf(sessionId)}`, "not a JSON object");
  }

  async set(sessionId: string, state: SessionState): Promise<void> {
    const text = JSON.stringify(state);
    if (this.#ttl === undefined) await this.#redis.set(this.keyOf(sessionId), text);
    else await this.#redis.set(this.keyOf(sessionId), text, "EX", Math.ceil(this.#ttl));
  }

  async delete(sessionId: string): Promise<void> {
    await this.#redis.del(this.keyOf(sessionId));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#redis.disconnect();
  }
}
