import { randomUUID } from "node:crypto";
import { mkdir, open, readFile, rename, rm } from "node:fs/promises";
import path from "node:path";
import { AgentScopeError } from "../errors.js";
import { sessionFileName } from "./session-file-name.js";
import { SessionStore, type SessionState } from "./session-store.js";

/** A session file that cannot be read back. */
export class SessionCorruptError extends AgentScopeError {
  constructor(sessionId: string, file: string, problem: string) {
    super("SESSION_CORRUPT", `session "${sessionId}": ${file} is unreadable (${problem})`);
  }
}

interface SessionFile {
  session_id: string;
  state: SessionState;
}

/**
 * One JSON file per session under `save_dir`. Writes are atomic (a temp
 * file, fsync, rename), so a crash mid-write leaves the previous state
 * readable; a session id never becomes a path (see sessionFileName).
 */
export class JsonSessionStore extends SessionStore {
  readonly #dir: string;
  #ready: Promise<void> | undefined;

  constructor(saveDir: string) {
    super();
    this.#dir = path.resolve(saveDir);
  }

  /** The file that holds a session (it may not exist yet). */
  fileOf(sessionId: string): string {
    return path.join(this.#dir, sessionFileName(sessionId));
  }

  async get(sessionId: string): Promise<SessionState | undefined> {
    const file = this.fileOf(sessionId);
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new SessionCorruptError(sessionId, file, "not valid JSON");
    }
    const saved = parsed as Partial<SessionFile>;
    if (typeof saved !== "object" || saved === null || typeof saved.state !== "object" || saved.state === null) {
      throw new SessionCorruptError(sessionId, file, "no state object");
    }
    if (saved.session_id !== sessionId) throw new SessionCorruptError(sessionId, file, "it belongs to another session id");
    return saved.state;
  }

  async set(sessionId: string, state: SessionState): Promise<void> {
    await (this.#ready ??= mkdir(this.#dir, { recursive: true }).then(() => undefined));
    const file = this.fileOf(sessionId);
    const body: SessionFile = { session_id: sessionId, state };
    const text = JSON.stringify(body);
    const temp = `${file}.${randomUUID()}.tmp`;
    try {
      const handle = await open(temp, "w");
      try {
        await handle.writeFile(text);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, file);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  async delete(sessionId: string): Promise<void> {
    await rm(this.fileOf(sessionId), { force: true });
  }

  async close(): Promise<void> {}
}
