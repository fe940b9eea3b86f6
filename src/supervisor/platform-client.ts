import { z } from "zod";
import { delay, raceAbort } from "../abort.js";
import { redactConfig, type PlatformConfig } from "../config/index.js";
import { describeIssue } from "../config/issue-messages.js";
import { formatKeyPath } from "../config/key-path.js";
import { AgentScopeError, errorMessage } from "../errors.js";
import type { Logger } from "../logging/logger.js";

/** What the heartbeat reports; the client rounds each figure to an integer. */
export interface PlatformMetrics {
  active_sessions: number;
  total_requests: number;
  memory_usage_mb: number;
}

export interface PlatformClientOptions {
  config: PlatformConfig;
  log: Logger;
  metrics: () => PlatformMetrics;
  /** The supervisor's one reload path; `raw` is a config object the platform sent. */
  reload: (trigger: string, raw?: unknown) => Promise<unknown>;
  /** Per request, in milliseconds (default 10 s). */
  timeoutMs?: number;
  /**
   * Delays after failed rounds: the n-th is drawn from [b/2, b] with
   * b = min(maxMs, initialMs * 2^(n-1)). Default: initialMs twice the
   * heartbeat interval, maxMs that or 5 minutes, whichever is longer.
   */
  backoff?: { initialMs: number; maxMs: number };
}

/** `GET .../config`: unknown keys are ignored, a `null` config counts as none. */
const configAnswerSchema = z.object({
  updated: z.boolean(),
  action: z.enum(["restart", "reload", "none"]),
  config: z.record(z.string(), z.unknown()).nullish(),
});

const DEFAULT_TIMEOUT_MS = 10_000;
const MAX_BACKOFF_MS = 300_000;

/**
 * Reports to the management platform: every `heartbeat_interval` seconds a
 * heartbeat, then a look at the config the platform holds for this instance.
 * `restart` and `reload` both hot-reload through the supervisor (with the
 * config object the answer carries, if any); the process never exits. The
 * `action` alone decides, as in the Python module: `updated` is not consulted.
 *
 * A platform that is down, slow or answers garbage costs one warning per
 * outage and an exponential backoff with jitter; nothing it does reaches the
 * service. The token never appears in a log line.
 */
export class PlatformClient {
  readonly #options: PlatformClientOptions;
  readonly #log: Logger;
  readonly #base: string;
  readonly #instancePath: string;
  readonly #intervalMs: number;
  readonly #timeoutMs: number;
  readonly #backoff: { initialMs: number; maxMs: number };
  readonly #closing = new AbortController();
  #loop: Promise<void> | undefined;

  /** Whether to report: `endpoint` and `instance_id` both set, and not `--no-platform`. */
  static enabled(config: PlatformConfig, noPlatform: boolean): boolean {
    return !noPlatform && config.endpoint !== undefined && config.instance_id !== undefined;
  }

  constructor(options: PlatformClientOptions) {
    const { endpoint, instance_id: instanceId, heartbeat_interval: interval } = options.config;
    if (endpoint === undefined || instanceId === undefined) throw new TypeError("options.config needs endpoint and instance_id");
    if (!(interval > 0)) throw new TypeError("options.config.heartbeat_interval must be a number > 0");
    this.#options = options;
    this.#log = options.log;
    this.#base = endpoint.replace(/\/+$/, "");
    this.#instancePath = `/instances/${encodeURIComponent(instanceId)}`;
    this.#intervalMs = interval * 1000;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#backoff = options.backoff ?? { initialMs: 2 * this.#intervalMs, maxMs: Math.max(2 * this.#intervalMs, MAX_BACKOFF_MS) };
  }

  /** Starts the loop; its first round runs at once. Calling it again, or after `close()`, does nothing. */
  start(): void {
    if (this.#loop !== undefined || this.#closing.signal.aborted) return;
    this.#log.info(
      { endpoint: redactConfig(this.#base), instanceId: this.#options.config.instance_id, intervalSeconds: this.#options.config.heartbeat_interval },
      "reporting to the platform",
    );
    this.#loop = this.#run(this.#closing.signal);
  }

  /** Stops the loop, aborting a request in flight; resolves when the loop has ended. Idempotent. */
  async close(): Promise<void> {
    this.#closing.abort(new AgentScopeError("PLATFORM_CLOSED", "the platform client is closed"));
    await this.#loop;
  }

  async #run(signal: AbortSignal): Promise<void> {
    let failures = 0;
    while (!signal.aborted) {
      let waitMs = this.#intervalMs;
      try {
        await this.#round(signal);
        if (failures > 0) this.#log.info({ failedAttempts: failures }, "platform reachable again");
        failures = 0;
      } catch (error) {
        if (signal.aborted) return;
        failures++;
        waitMs = this.#backoffMs(failures);
        const fields = { err: this.#describe(error), attempt: failures, retryInMs: waitMs };
        if (failures === 1) this.#log.warn(fields, "platform unreachable; backing off until it answers");
        else this.#log.debug(fields, "platform still unreachable");
      }
      try {
        await delay(waitMs, signal);
      } catch {
        return;
      }
    }
  }

  /** One heartbeat, then one look at the config; throws on any failure of the platform. */
  async #round(signal: AbortSignal): Promise<void> {
    const metrics = this.#options.metrics();
    await this.#request("POST", "heartbeat", signal, {
      status: "running",
      timestamp: new Date().toISOString(),
      metrics: {
        active_sessions: Math.round(metrics.active_sessions),
        total_requests: Math.round(metrics.total_requests),
        memory_usage_mb: Math.round(metrics.memory_usage_mb),
      },
    });
    const answer = parseConfigAnswer(await this.#request("GET", "config", signal));
    if (answer.action === "none") return;
    const raw = answer.config ?? undefined;
    this.#log.info({ action: answer.action, withConfig: raw !== undefined }, "the platform asked for a reload");
    try {
      // After a close() the reload goes on in the supervisor; the loop does not wait for it.
      await raceAbort(this.#options.reload(`platform ${answer.action}`, raw), signal);
    } catch (error) {
      if (signal.aborted) throw error;
      this.#log.error({ err: this.#describe(error) }, "the reload the platform asked for failed");
    }
  }

  /** The body of a 2xx answer; throws naming what went wrong. */
  async #request(method: "POST" | "GET", resource: "heartbeat" | "config", signal: AbortSignal, body?: unknown): Promise<string> {
    const what = `${method} ${resource}`;
    const token = this.#options.config.token;
    const headers: Record<string, string> = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (token !== undefined) headers["Authorization"] = `Bearer ${token}`;
    let status: number;
    let text: string;
    try {
      const response = await fetch(`${this.#base}${this.#instancePath}/${resource}`, {
        method,
        headers,
        ...(body !== undefined && { body: JSON.stringify(body) }),
        signal: AbortSignal.any([signal, AbortSignal.timeout(this.#timeoutMs)]),
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      if (signal.aborted) throw error;
      if (error instanceof DOMException && error.name === "TimeoutError") throw new AgentScopeError("PLATFORM_FAILED", `${what}: no answer within ${this.#timeoutMs} ms`);
      throw new AgentScopeError("PLATFORM_FAILED", `${what}: ${networkMessage(error)}`);
    }
    if (status < 200 || status > 299) throw new AgentScopeError("PLATFORM_FAILED", `${what}: HTTP ${status}`);
    return text;
  }

  /** The n-th delay after a failed round (n from 1): exponential, capped, "equal jitter". */
  #backoffMs(failures: number): number {
    const { initialMs, maxMs } = this.#backoff;
    const base = Math.min(maxMs, initialMs * 2 ** (failures - 1));
    return Math.round(base / 2 + (Math.random() * base) / 2);
  }

  /** An error's message with the token and the endpoint's credentials hidden. */
  #describe(error: unknown): string {
    let text = errorMessage(error).replaceAll(this.#base, redactConfig(this.#base));
    const token = this.#options.config.token;
    if (token !== undefined) text = text.replaceAll(token, "***");
    return text;
  }
}

/** The body of `GET .../config`, validated; the heartbeat's answer is not read. */
function parseConfigAnswer(text: string): z.infer<typeof configAnswerSchema> {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new AgentScopeError("PLATFORM_FAILED", "GET config: the answer is not JSON");
  }
  const result = configAnswerSchema.safeParse(body, { error: describeIssue });
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => (issue.path.length === 0 ? issue.message : `${formatKeyPath(issue.path)}: ${issue.message}`));
  throw new AgentScopeError("PLATFORM_FAILED", `GET config: unexpected answer: ${problems.join("; ")}`);
}

/** fetch's "fetch failed" with what the socket said (`connect ECONNREFUSED ...`). */
function networkMessage(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined;
  return cause === undefined ? errorMessage(error) : `${errorMessage(error)}: ${errorMessage(cause)}`;
}
