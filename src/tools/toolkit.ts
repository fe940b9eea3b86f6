import { z } from "zod";
import { raceAbort } from "../abort.js";
import { RuntimeUsageError, errorMessage } from "../errors.js";
import type { ContentBlock, ToolResultBlock, ToolUseBlock } from "../message/index.js";
import type { ToolSchema } from "../models/index.js";
import { toToolOutput } from "./tool-output.js";

/** A JSON Schema for a tool's arguments (an object schema). */
export type JsonSchema = Record<string, unknown>;

export interface ToolCallContext {
  /** Fires when the call times out or the request behind it is cancelled. */
  signal: AbortSignal;
}

/** A tool's implementation: its arguments in, anything out (text, content blocks, or a value sent as JSON). */
export type ToolFunction = (input: Record<string, unknown>, context: ToolCallContext) => unknown;

export interface ToolOptions {
  name: string;
  description?: string;
  /** The arguments' schema: JSON Schema, or a zod object schema. Default: no arguments. */
  parameters?: JsonSchema | z.ZodType;
  /** Milliseconds before a call is given up; default the toolkit's. */
  timeoutMs?: number;
}

/** What one tool call did, for metrics. */
export interface ToolCallReport {
  tool: string;
  outcome: "ok" | "error" | "invalid_arguments" | "unknown_tool" | "timeout" | "cancelled";
  durationSeconds: number;
}

interface RegisteredTool {
  schema: ToolSchema;
  fn: ToolFunction;
  validator: z.ZodType | undefined;
  timeoutMs: number;
}

const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * The tools an agent may call: local functions and every MCP server's tools.
 * A call never throws: an unknown tool, invalid arguments, a failing tool or
 * a timeout each becomes a `tool_result` that says what went wrong, for the
 * model to read.
 *
 * @example
 * toolkit.registerTool(async ({ city }) => `Sunny in ${city}`, {
 *   name: "weather",
 *   description: "Today's weather in a city",
 *   parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
 * });
 * const result = await toolkit.callTool({ type: "tool_use", id: "1", name: "weather", input: { city: "Paris" } });
 */
export class Toolkit {
  readonly #tools = new Map<string, RegisteredTool>();
  readonly #defaultTimeoutMs: number;
  readonly #listeners = new Set<(report: ToolCallReport) => void>();

  constructor(options: { defaultTimeoutMs?: number } = {}) {
    this.#defaultTimeoutMs = options.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  registerTool(fn: ToolFunction, options: ToolOptions): void {
    if (!TOOL_NAME.test(options.name)) {
      throw new RuntimeUsageError(`tool name "${options.name}" must be 1-64 letters, digits, _ or -`);
    }
    if (this.#tools.has(options.name)) throw new RuntimeUsageError(`tool "${options.name}" is already registered`);
    const parameters = toJsonSchema(options.parameters);
    this.#tools.set(options.name, {
      schema: {
        type: "function",
        function: { name: options.name, ...(options.description !== undefined && { description: options.description }), parameters },
      },
      fn,
      validator: toValidator(options.parameters, parameters),
      timeoutMs: options.timeoutMs ?? this.#defaultTimeoutMs,
    });
  }

  /** Removes a tool; returns whether it was there. */
  removeTool(name: string): boolean {
    return this.#tools.delete(name);
  }

  has(name: string): boolean {
    return this.#tools.has(name);
  }

  names(): string[] {
    return [...this.#tools.keys()];
  }

  /** Every tool in the OpenAI function form, the form a ChatModel's `tools` option takes. */
  getJsonSchemas(): ToolSchema[] {
    return [...this.#tools.values()].map((tool) => tool.schema);
  }

  /** Hears about every call (tool, outcome, duration). Returns the unsubscribe function. */
  onToolCall(listener: (report: ToolCallReport) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Runs the tool a `tool_use` block asks for; always resolves to its `tool_result`. */
  async callTool(block: ToolUseBlock, options: { signal?: AbortSignal } = {}): Promise<ToolResultBlock> {
    const started = performance.now();
    const finish = (outcome: ToolCallReport["outcome"], output: string | ContentBlock[]): ToolResultBlock => {
      this.#report({ tool: block.name, outcome, durationSeconds: (performance.now() - started) / 1000 });
      return { type: "tool_result", id: block.id, name: block.name, output };
    };
    const tool = this.#tools.get(block.name);
    if (tool === undefined) {
      const known = this.names();
      return finish("unknown_tool", `Error: unknown tool "${block.name}"; available: ${known.length > 0 ? known.join(", ") : "none"}`);
    }
    if (block.raw_input !== undefined) {
      return finish("invalid_arguments", `Error: the arguments are not a JSON object: ${block.raw_input}`);
    }
    if (tool.validator !== undefined) {
      const checked = tool.validator.safeParse(block.input);
      if (!checked.success) {
        const problems = checked.error.issues.map((issue) => `${issue.path.join(".") || "(arguments)"}: ${issue.message}`);
        return finish("invalid_arguments", `Error: invalid arguments for ${block.name}: ${problems.join("; ")}`);
      }
    }
    const timeout = AbortSignal.timeout(tool.timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    try {
      const value = await raceAbort(Promise.resolve().then(() => tool.fn(block.input, { signal })), signal);
      return finish("ok", toToolOutput(value));
    } catch (error) {
      if (timeout.aborted) return finish("timeout", `Error: ${block.name} timed out after ${tool.timeoutMs / 1000} s`);
      if (options.signal?.aborted === true) return finish("cancelled", `Error: ${block.name} was cancelled`);
      return finish("error", `Error: ${block.name} failed: ${errorMessage(error)}`);
    }
  }

  #report(report: ToolCallReport): void {
    for (const listener of this.#listeners) {
      try {
        listener(report);
      } catch {
        // An observer's failure must not fail the tool call.
      }
    }
  }
}

function isZod(value: unknown): value is z.ZodType {
  return value instanceof z.ZodType;
}

function toJsonSchema(parameters: JsonSchema | z.ZodType | undefined): JsonSchema {
  if (parameters === undefined) return { type: "object", properties: {} };
  if (!isZod(parameters)) return parameters;
  const { $schema: _ignored, ...schema } = z.toJSONSchema(parameters) as JsonSchema;
  return schema;
}

/** A validator for the arguments; undefined when the JSON Schema uses what zod cannot express (calls then go unchecked). */
function toValidator(parameters: JsonSchema | z.ZodType | undefined, json: JsonSchema): z.ZodType | undefined {
  if (isZod(parameters)) return parameters;
  try {
    return z.fromJSONSchema(json as Parameters<typeof z.fromJSONSchema>[0]);
  } catch {
    return undefined;
  }
}
