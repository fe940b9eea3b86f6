import type { Msg } from "../message/index.js";
import type { SessionContext } from "./session-context.js";

/**
 * The base class of a user's application. The runtime builds one instance
 * per worker thread (with no arguments), calls `onStartup()` once the runtime
 * is initialized, then `call()` for every `/invoke`, streaming each yielded
 * Msg to the client as it is yielded.
 *
 * @example
 * export class App extends AgentApp {
 *   async *call(msg: Msg, ctx: SessionContext): AsyncGenerator<Msg> {
 *     const reply = await runtime.models.main.call([msg], { signal: ctx.signal });
 *     yield new Msg({ name: "assistant", role: "assistant", content: reply.content });
 *   }
 * }
 */
export abstract class AgentApp {
  /** Runs once per worker after the runtime (models, tools, sessions) is ready. */
  async onStartup(): Promise<void> {}

  /** Runs once per worker before its runtime closes. */
  async onShutdown(): Promise<void> {}

  /** Serves one request; the generator is closed early if the client goes away. */
  abstract call(msg: Msg, ctx: SessionContext): AsyncGenerator<Msg, void, undefined>;
}
