/** What the last reload did, as /health reports it. */
export interface LastReload {
  ok: boolean;
  error: string | null;
  /** UTC ISO 8601. */
  at: string;
}

/** The answer of one reload, whatever triggered it. */
export interface ReloadResult extends LastReload {
  /** The generation serving after the reload. */
  generation: number | null;
  /** Milliseconds from the trigger to the new generation serving (successes only). */
  tookMs?: number;
}
