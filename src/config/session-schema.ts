import { z } from "zod";
import { nonEmptyString, positiveNumber, redisUrl } from "./fields.js";

const BACKENDS = ["json", "redis", "memory"] as const;

const common = {
  save_dir: nonEmptyString().default("./sessions"),
  key_prefix: z.string().default("agentscope:session:"),
  ttl: positiveNumber().optional(),
};

/** The `session:` section; `redis_url` is required by the redis backend only. */
export const sessionSchema = z.discriminatedUnion(
  "backend",
  [
    z.strictObject({ backend: z.enum(["json", "memory"]).default("json"), redis_url: redisUrl().optional(), ...common }),
    z.strictObject({ backend: z.literal("redis"), redis_url: redisUrl(), ...common }),
  ],
  { error: (issue) => (issue.code === "invalid_union" ? `must be one of ${BACKENDS.join(", ")}` : undefined) },
);
