import { AgentApp, Msg, runtime, type SessionContext } from "agentscope";

/**
 * The quickstart: streams the model's answer as it is written. Each chunk is
 * cumulative and keeps the reply's id, so a client can redraw one message.
 */
export class App extends AgentApp {
  async *call(msg: Msg, ctx: SessionContext): AsyncGenerator<Msg> {
    const system = new Msg({ name: "system", role: "system", content: "You are a friendly assistant." });
    for await (const chunk of runtime.models.main.stream([system, msg], { signal: ctx.signal })) {
      yield new Msg({ id: chunk.id, name: "assistant", role: "assistant", content: chunk.content });
    }
  }
}
