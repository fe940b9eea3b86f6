import { Msg, type MsgDict } from "../message/index.js";
import type { StateModule } from "../session/index.js";

/** An agent's conversation so far, in order; saved and restored as a state module. */
export class InMemoryMemory implements StateModule {
  #messages: Msg[] = [];

  add(...messages: Msg[]): void {
    this.#messages.push(...messages);
  }

  /** The messages, oldest first (a copy of the list). */
  get(): Msg[] {
    return [...this.#messages];
  }

  get size(): number {
    return this.#messages.length;
  }

  clear(): void {
    this.#messages = [];
  }

  stateDict(): Record<string, unknown> {
    return { content: this.#messages.map((msg) => msg.toDict()) };
  }

  loadStateDict(state: Record<string, unknown>): void {
    const content = state["content"];
    if (!Array.isArray(content)) throw new TypeError("memory state: content must be a list of messages");
    this.#messages = content.map((dict: unknown, index) => Msg.fromDict(dict as MsgDict, `memory.content[${index}]`));
  }
}
