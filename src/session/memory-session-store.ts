import { SessionStore, type SessionState } from "./session-store.js";

/**
 * Sessions in this thread's memory: fast, gone on restart, and not shared
 * between worker threads. For tests and single-worker demos.
 */
export class MemorySessionStore extends SessionStore {
  readonly #sessions = new Map<string, string>();

  async get(sessionId: string): Promise<SessionState | undefined> {
    const saved = this.#sessions.get(sessionId);
    // Stored as JSON so a caller's later mutation never reaches the saved copy.
    return saved === undefined ? undefined : (JSON.parse(saved) as SessionState);
  }

  async set(sessionId: string, state: SessionState): Promise<void> {
    this.#sessions.set(sessionId, JSON.stringify(state));
  }

  async delete(sessionId: string): Promise<void> {
    this.#sessions.delete(sessionId);
  }

  async close(): Promise<void> {}
}
