import path from "node:path";
import type { SessionConfig } from "../config/index.js";
import { RuntimeUsageError } from "../errors.js";
import { JsonSessionStore } from "./json-session-store.js";
import { MemorySessionStore } from "./memory-session-store.js";
import type { SessionStore } from "./session-store.js";

/** The session store the config names; `save_dir` is relative to the project. */
export function createSessionStore(config: SessionConfig, projectDir: string): SessionStore {
  switch (config.backend) {
    case "json":
      return new JsonSessionStore(path.resolve(projectDir, config.save_dir));
    case "memory":
      return new MemorySessionStore();
    case "redis":
      throw new RuntimeUsageError("session.backend: redis is not available in this build yet");
  }
}
