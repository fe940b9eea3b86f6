/**
 * What an App knows about the request it is serving.
 */
export class SessionContext {
  /** The client's conversation id: requests with the same id share state. */
  readonly sessionId: string;
  /** The request's `metadata` object (`{}` when the request had none). */
  readonly metadata: Readonly<Record<string, unknown>>;
  /** Fires when the client goes away or the request times out: pass it to every model call and I/O. */
  readonly signal: AbortSignal;

  constructor(sessionId: string, metadata: Record<string, unknown>, signal: AbortSignal) {
    this.sessionId = sessionId;
    this.metadata = metadata;
    this.signal = signal;
  }
}
