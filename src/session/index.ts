export { SessionStore, type SessionState } from "./session-store.js";
export { MemorySessionStore } from "./memory-session-store.js";
export { JsonSessionStore, SessionCorruptError } from "./json-session-store.js";
export { RedisSessionStore, type RedisSessionStoreOptions } from "./redis-session-store.js";
export { createSessionStore } from "./create-session-store.js";
export type { StateModule } from "./state-module.js";
