import path from "node:path";
import type { SessionConfig } from "../config/index.js";
import { JsonSessionStore } from "./json-session-store.js";
import { MemorySessionStore } from "./memory-session-store.js";
import { RedisSessionStore } from "./redis-session-store.js";
import type { SessionStore } from "./session-store.js";

/** The session store the config names; `save_dir` is relative to the project. */
export function createSessionStore(config: SessionConfig, projectDir: string): SessionStore {
  switch (config.backend) {
    case "json":
      return new JsonSessionStore(path.resolve(projectDir, config.save_dir));
    case "memory":
      return new MemorySessionStore();
    case "redis":
      return new RedisSessionStore({
        url: config.redis_url,
        keyPrefix: config.key_prefix,
        ...(config.ttl !== undefined && { ttl: config.ttl }),
      });
  }
}
