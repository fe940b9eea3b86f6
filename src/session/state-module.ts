/**
 * Anything whose state a session store can save and restore: an agent, its
 * memory, an App's own objects. The state must survive JSON.
 */
export interface StateModule {
  stateDict(): Record<string, unknown>;
  loadStateDict(state: Record<string, unknown>): void;
}
