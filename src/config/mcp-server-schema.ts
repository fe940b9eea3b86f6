import { z } from "zod";
import { boolean, httpUrl, nonEmptyString, positiveNumber, stringMapping } from "./fields.js";

const TRANSPORTS = ["streamable_http", "sse", "stdio"] as const;

const common = {
  headers: stringMapping().prefault({}),
  timeout: positiveNumber().default(30),
  sse_read_timeout: positiveNumber().default(300),
  required: boolean().default(true),
};

const httpServerSchema = z.strictObject({
  transport: z.enum(["streamable_http", "sse"]).default("streamable_http"),
  url: httpUrl(),
  ...common,
});

const stdioServerSchema = z.strictObject({
  transport: z.literal("stdio"),
  command: nonEmptyString(),
  args: z.array(z.string()).prefault([]),
  env: stringMapping().optional(),
  cwd: nonEmptyString().optional(),
  ...common,
});

/** One entry under `mcp_servers:`; `url` belongs to HTTP transports, `command` and its kin to stdio. */
export const mcpServerSchema = z.discriminatedUnion("transport", [httpServerSchema, stdioServerSchema], {
  error: (issue) => (issue.code === "invalid_union" ? `must be one of ${TRANSPORTS.join(", ")}` : undefined),
});
