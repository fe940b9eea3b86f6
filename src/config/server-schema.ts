import { z } from "zod";
import { parseByteSize } from "./byte-size.js";
import { integer, nonEmptyString, nonNegativeNumber, positiveNumber } from "./fields.js";

const byteSize = z.union([z.string(), z.number()]).refine((value) => parseByteSize(value) !== undefined, {
  error: "must be a byte size such as 512kb, 1mb or 1048576",
});

/** The `server:` section. */
export const serverSchema = z.strictObject({
  port: integer(0, 65535).default(8080),
  host: nonEmptyString().default("0.0.0.0"),
  workers: integer(1).default(1),
  tasks_per_worker: integer(1).default(64),
  max_queue: integer(0).default(256),
  request_timeout: positiveNumber().default(600),
  drain_timeout: nonNegativeNumber().default(300),
  session_wait_timeout: nonNegativeNumber().default(30),
  worker_memory_mb: integer(32).default(1024),
  body_limit: byteSize.default("1mb"),
  auth_token: nonEmptyString().optional(),
  admin_token: nonEmptyString().optional(),
  metrics_token: nonEmptyString().optional(),
});
