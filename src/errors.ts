/**
 * One error base class for the whole runtime. Every error carries a string
 * `code`; errors meant for HTTP clients also know their status (see
 * `HttpError`), everything else becomes a 500 that reveals nothing.
 */
export class AgentScopeError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A configuration problem: bad YAML, a schema violation, an unset variable. */
export class ConfigError extends AgentScopeError {
  /** Every problem found, each as `<file>: <key path>: <problem>`. */
  readonly problems: readonly string[];

  constructor(problems: readonly string[], options?: ErrorOptions) {
    super("CONFIG_INVALID", problems.join("\n"), options);
    this.problems = problems;
  }
}

/** A message (Msg dict or content block) that does not have the wire shape. */
export class MessageFormatError extends AgentScopeError {
  constructor(message: string, options?: ErrorOptions) {
    super("INVALID_MESSAGE", message, options);
  }
}

/** The user's project could not be loaded or started (app discovery, onStartup). */
export class AppLoadError extends AgentScopeError {
  constructor(message: string, options?: ErrorOptions) {
    super("APP_LOAD_FAILED", message, options);
  }
}

/** Misuse of the runtime API from an app, such as an unknown model slot. */
export class RuntimeUsageError extends AgentScopeError {
  constructor(message: string, options?: ErrorOptions) {
    super("RUNTIME_USAGE", message, options);
  }
}

/** The message of any thrown value, without its stack. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
