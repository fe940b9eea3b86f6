/**
 * `client_kwargs` as written in agentapp.yaml, where configs shared with the
 * Python runtime use its names (`timeout` in seconds, `max_retries`,
 * `default_headers`), turned into the option names of the TypeScript SDKs.
 * Keys already in camelCase pass through unchanged.
 */
export interface SdkClientOptions {
  /** Milliseconds. */
  timeout?: number;
  maxRetries?: number;
  defaultHeaders?: Record<string, string>;
  [key: string]: unknown;
}

export function sdkClientOptions(clientKwargs: Record<string, unknown> = {}): SdkClientOptions {
  const options: SdkClientOptions = {};
  for (const [key, value] of Object.entries(clientKwargs)) {
    switch (key) {
      case "timeout":
        // Python SDKs take seconds; a value this large was meant as milliseconds already.
        if (typeof value === "number") options.timeout = value > 1000 ? value : value * 1000;
        break;
      case "max_retries":
        if (typeof value === "number") options.maxRetries = value;
        break;
      case "default_headers":
        options.defaultHeaders = value as Record<string, string>;
        break;
      case "base_url":
        // Where the Python runtime's OpenAI configs put it; the slot's own base_url wins.
        options["baseURL"] = value;
        break;
      default:
        options[snakeToCamel(key)] = value;
    }
  }
  return options;
}

export function snakeToCamel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
}
