import type { StateModule } from "./state-module.js";

/** One session's saved state: each module's `stateDict()` under its name. */
export type SessionState = Record<string, unknown>;

/**
 * Where conversations live between requests. `saveSessionState` and
 * `loadSessionState` work on named state modules, as in AgentScope; `get`,
 * `set` and `delete` on a session's raw state.
 *
 * @example
 * await runtime.session.loadSessionState(ctx.sessionId, { agent });
 * // ... run the turn ...
 * await runtime.session.saveSessionState(ctx.sessionId, { agent });
 */
export abstract class SessionStore {
  abstract get(sessionId: string): Promise<SessionState | undefined>;
  abstract set(sessionId: string, state: SessionState): Promise<void>;
  abstract delete(sessionId: string): Promise<void>;
  /** Releases files, connections; idempotent. */
  abstract close(): Promise<void>;

  /** Saves each module's `stateDict()` under its name, replacing what the session held. */
  async saveSessionState(sessionId: string, modules: Record<string, StateModule>): Promise<void> {
    const state: SessionState = {};
    for (const [name, module] of Object.entries(modules)) state[name] = module.stateDict();
    await this.set(sessionId, state);
  }

  /**
   * Loads each module's saved state into it. A session never saved is fine
   * (modules keep their state) unless `allowNotExist` is false.
   */
  async loadSessionState(sessionId: string, modules: Record<string, StateModule>, options: { allowNotExist?: boolean } = {}): Promise<void> {
    const state = await this.get(sessionId);
    if (state === undefined) {
      if (options.allowNotExist === false) throw new Error(`session "${sessionId}" has no saved state`);
      return;
    }
    for (const [name, module] of Object.entries(modules)) {
      const saved = state[name];
      if (typeof saved === "object" && saved !== null) module.loadStateDict(saved as Record<string, unknown>);
    }
  }
}
