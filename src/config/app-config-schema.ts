import { z } from "zod";
import { httpUrl, nonEmptyString, positiveNumber } from "./fields.js";
import { mcpServerSchema } from "./mcp-server-schema.js";
import { modelSchema, slotNameSchema } from "./model-schema.js";
import { serverSchema } from "./server-schema.js";
import { sessionSchema } from "./session-schema.js";
import type { AppConfig } from "./types.js";

const platformSchema = z.strictObject({
  endpoint: httpUrl().optional(),
  instance_id: nonEmptyString().optional(),
  heartbeat_interval: positiveNumber().default(30),
  token: nonEmptyString().optional(),
});

const tracingSchema = z.strictObject({
  endpoint: httpUrl().optional(),
});

/**
 * The whole of `agentapp.yaml`. Objects are strict so that unknown keys show
 * up as issues; the parser turns those into warnings. Typed against
 * {@link AppConfig}, so the schema and the exported types cannot drift apart.
 */
export const appConfigSchema: z.ZodType<AppConfig> = z.strictObject({
  app: nonEmptyString().optional(),
  models: z.record(slotNameSchema, modelSchema).prefault({}),
  mcp_servers: z.record(z.string(), mcpServerSchema).prefault({}),
  session: sessionSchema.prefault({}),
  platform: platformSchema.prefault({}),
  tracing: tracingSchema.prefault({}),
  server: serverSchema.prefault({}),
});
