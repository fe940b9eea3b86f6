import { z } from "zod";
import { boolean, httpUrl, integer, mapping, nonEmptyString, nonNegativeNumber } from "./fields.js";
import { PROVIDERS, type Provider } from "./providers.js";

/** Names a slot may not take: they are members of `runtime.models` or hooks of the language. */
export const RESERVED_SLOT_NAMES: ReadonlySet<string> = new Set(["keys", "has", "size", "get", "then", "toJSON", "constructor"]);

/** A key under `models:`. */
export const slotNameSchema = z.string().superRefine((name, ctx) => {
  if (name.startsWith("_")) ctx.addIssue({ code: "custom", message: 'slot names must not start with "_"' });
  else if (RESERVED_SLOT_NAMES.has(name)) ctx.addIssue({ code: "custom", message: `"${name}" is reserved` });
});

const toolCallSchema = z.strictObject({
  id: nonEmptyString().optional(),
  name: nonEmptyString(),
  input: mapping().prefault({}),
});

const usageSchema = z.strictObject({
  input_tokens: integer(0),
  output_tokens: integer(0),
});

const scriptStepSchema = z
  .strictObject({
    text: z.string().optional(),
    thinking: z.string().optional(),
    tool_calls: z.array(toolCallSchema).optional(),
    usage: usageSchema.optional(),
  })
  .refine((step) => step.text !== undefined || step.thinking !== undefined || (step.tool_calls?.length ?? 0) > 0, {
    error: "must have text, thinking or tool_calls",
  });

const common = {
  api_key: nonEmptyString().optional(),
  base_url: httpUrl().optional(),
  stream: boolean().default(true),
  generate_kwargs: mapping().prefault({}),
  client_kwargs: mapping().prefault({}),
};

const networkProviders = PROVIDERS.filter((p): p is Exclude<Provider, "scripted"> => p !== "scripted");

const providerModelSchema = z.strictObject({
  provider: z.enum(networkProviders),
  model: nonEmptyString(),
  ...common,
});

const scriptedModelSchema = z.strictObject({
  provider: z.literal("scripted"),
  model: nonEmptyString().default("scripted"),
  ...common,
  script: z.array(scriptStepSchema).min(1, { error: "must have at least one step" }),
  delay_ms: nonNegativeNumber().default(0),
  chunk_chars: integer(1).default(16),
  exhausted: z.enum(["cycle", "error"]).default("cycle"),
});

/** One model slot; the scripted keys are only known to the scripted provider. */
export const modelSchema = z.discriminatedUnion("provider", [providerModelSchema, scriptedModelSchema], {
  error: (issue) => {
    if (issue.code !== "invalid_union") return undefined;
    const input = issue.input as Record<string, unknown> | undefined;
    return input?.["provider"] === undefined ? "required" : `must be one of ${PROVIDERS.join(", ")}`;
  },
});
