import { AgentScopeError } from "../errors.js";

export interface ModelErrorDetails {
  provider: string;
  model: string;
  /** The HTTP status of the provider's answer, when there was one. */
  status?: number;
  /** Whether trying again later may succeed (rate limits, 5xx, dropped connections). */
  retryable: boolean;
}

/** Every failure of a model call, whatever the provider. Never carries an API key. */
export class ModelError extends AgentScopeError {
  readonly provider: string;
  readonly model: string;
  readonly status: number | undefined;
  readonly retryable: boolean;

  constructor(message: string, details: ModelErrorDetails, options?: ErrorOptions) {
    super("MODEL_ERROR", `${details.provider} model ${details.model}: ${message}`, options);
    this.provider = details.provider;
    this.model = details.model;
    this.status = details.status;
    this.retryable = details.retryable;
  }
}
