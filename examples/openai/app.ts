import { AgentApp, Msg, runtime, type SessionContext } from "agentscope";

const SYSTEM_PROMPT = "You are a concise, friendly assistant.";

/**
 * A chat agent on OpenAI (or any OpenAI-compatible server): streams the
 * model's answer as it is written, thinking included when the server sends it.
 */
export class App extends AgentApp {
  async *call(msg: Msg, ctx: SessionContext): AsyncGenerator<Msg> {
    const system = new Msg({ name: "system", role: "system", content: SYSTEM_PROMPT });
    for await (const chunk of runtime.models.main.stream([system, msg], { signal: ctx.signal })) {
      yield new Msg({ id: chunk.id, name: "assistant", role: "assistant", content: chunk.content });
    }
  }
}
