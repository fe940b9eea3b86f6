import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { ModelCallReport } from "../models/index.js";
import type { ToolCallReport } from "../tools/index.js";

/** How an /invoke ended: a stream's last word, or the status that refused it. */
export type InvokeOutcome =
  | "ok"
  | "app_error"
  | "worker_crashed"
  | "timeout"
  | "cancelled"
  | "reloaded"
  | "shutting_down"
  | "invalid_request"
  | "unauthorized"
  | "payload_too_large"
  | "overloaded"
  | "not_ready"
  | "session_busy"
  | "internal";

// OpenTelemetry GenAI semantic conventions: explicit bucket boundaries.
const GEN_AI_DURATION_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
const GEN_AI_TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
const INVOKE_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

/**
 * Every counter and histogram lives here, in the supervisor: workers send
 * events, so totals survive reloads and worker crashes. Labels are bounded
 * (provider, model, tool, outcome), never a session or request id.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly #requests = new Counter({ name: "agentscope_invoke_requests_total", help: "POST /invoke requests by outcome", labelNames: ["outcome"], registers: [this.registry] });
  readonly #duration = new Histogram({ name: "agentscope_invoke_duration_seconds", help: "Time from an /invoke request to its done frame", buckets: INVOKE_BUCKETS, registers: [this.registry] });
  readonly #firstMessage = new Histogram({ name: "agentscope_invoke_time_to_first_message_seconds", help: "Time from an /invoke request to the first message the App yielded", buckets: INVOKE_BUCKETS, registers: [this.registry] });
  readonly #messages = new Counter({ name: "agentscope_messages_streamed_total", help: "Messages the Apps yielded, streamed as frames", registers: [this.registry] });
  readonly #modelCalls = new Counter({ name: "agentscope_model_calls_total", help: "Model calls by provider, model and outcome", labelNames: ["provider", "model", "outcome"], registers: [this.registry] });
  readonly #modelDuration = new Histogram({
    name: "gen_ai_client_operation_duration_seconds",
    help: "GenAI operation duration (OpenTelemetry gen_ai.client.operation.duration)",
    labelNames: ["gen_ai_operation_name", "gen_ai_provider_name", "gen_ai_request_model", "error_type"],
    buckets: GEN_AI_DURATION_BUCKETS,
    registers: [this.registry],
  });
  readonly #timeToFirstChunk = new Histogram({
    name: "gen_ai_client_operation_time_to_first_chunk_seconds",
    help: "Time to the first chunk of a streamed model response (OpenTelemetry gen_ai.client.operation.time_to_first_chunk)",
    labelNames: ["gen_ai_operation_name", "gen_ai_provider_name", "gen_ai_request_model"],
    buckets: GEN_AI_DURATION_BUCKETS,
    registers: [this.registry],
  });
  readonly #tokens = new Histogram({
    name: "gen_ai_client_token_usage",
    help: "Tokens used per model call (OpenTelemetry gen_ai.client.token.usage)",
    labelNames: ["gen_ai_operation_name", "gen_ai_provider_name", "gen_ai_request_model", "gen_ai_token_type"],
    buckets: GEN_AI_TOKEN_BUCKETS,
    registers: [this.registry],
  });
  readonly #toolCalls = new Counter({ name: "agentscope_tool_calls_total", help: "Tool calls by tool and outcome", labelNames: ["tool", "outcome"], registers: [this.registry] });
  readonly #toolDuration = new Histogram({ name: "agentscope_tool_call_duration_seconds", help: "Tool call duration by tool", labelNames: ["tool"], buckets: GEN_AI_DURATION_BUCKETS, registers: [this.registry] });
  readonly #reloads = new Counter({ name: "agentscope_config_reloads_total", help: "Configuration reloads by result", labelNames: ["result"], registers: [this.registry] });
  readonly #crashes = new Counter({ name: "agentscope_worker_crashes_total", help: "Worker threads that died unexpectedly", registers: [this.registry] });
  /** /invoke requests since start, for the platform heartbeat. */
  totalRequests = 0;

  constructor(gauges: { workers(): number; queueDepth(): number; utilization(): number; activeStreams(): number }) {
    collectDefaultMetrics({ register: this.registry });
    new Gauge({ name: "agentscope_workers", help: "Worker threads of the serving generation", registers: [this.registry], collect() { this.set(gauges.workers()); } });
    new Gauge({ name: "agentscope_queue_depth", help: "/invoke requests waiting for a worker slot", registers: [this.registry], collect() { this.set(gauges.queueDepth()); } });
    new Gauge({ name: "agentscope_pool_utilization", help: "Share of the serving pool's capacity in use (piscina), 0 to 1", registers: [this.registry], collect() { this.set(gauges.utilization()); } });
    new Gauge({ name: "agentscope_active_streams", help: "/invoke streams open now", registers: [this.registry], collect() { this.set(gauges.activeStreams()); } });
  }

  request(outcome: InvokeOutcome): void {
    this.totalRequests++;
    this.#requests.inc({ outcome });
  }

  streamEnded(outcome: InvokeOutcome, seconds: number): void {
    this.request(outcome);
    this.#duration.observe(seconds);
  }

  firstMessage(seconds: number): void {
    this.#firstMessage.observe(seconds);
  }

  messages(count: number): void {
    this.#messages.inc(count);
  }

  modelCall(report: ModelCallReport): void {
    const base = { gen_ai_operation_name: "chat", gen_ai_provider_name: report.provider, gen_ai_request_model: report.model };
    this.#modelCalls.inc({ provider: report.provider, model: report.model, outcome: report.outcome });
    this.#modelDuration.observe({ ...base, error_type: report.outcome === "ok" ? "" : report.status !== undefined ? String(report.status) : report.outcome }, report.durationSeconds);
    if (report.timeToFirstChunkSeconds !== undefined) this.#timeToFirstChunk.observe(base, report.timeToFirstChunkSeconds);
    if (report.inputTokens !== undefined) this.#tokens.observe({ ...base, gen_ai_token_type: "input" }, report.inputTokens);
    if (report.outputTokens !== undefined) this.#tokens.observe({ ...base, gen_ai_token_type: "output" }, report.outputTokens);
  }

  toolCall(report: ToolCallReport): void {
    // A name the model made up is not a tool: it must not become a label value.
    const tool = report.outcome === "unknown_tool" ? "(unknown)" : report.tool;
    this.#toolCalls.inc({ tool, outcome: report.outcome });
    this.#toolDuration.observe({ tool }, report.durationSeconds);
  }

  reload(ok: boolean): void {
    this.#reloads.inc({ result: ok ? "success" : "failure" });
  }

  workerCrashed(): void {
    this.#crashes.inc();
  }
}
