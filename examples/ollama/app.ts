import { AgentApp, Msg, runtime, type SessionContext } from "agentscope";

/**
 * A chat agent on a local Ollama server: no API key, nothing leaves the
 * machine. Streams the answer (and the model's thinking, for models that think).
 */
export class App extends AgentApp {
  async *call(msg: Msg, ctx: SessionContext): AsyncGenerator<Msg> {
    const system = new Msg({ name: "system", role: "system", content: "You are a helpful assistant. Answer briefly." });
    for await (const chunk of runtime.models.main.stream([system, msg], { signal: ctx.signal })) {
      yield new Msg({ id: chunk.id, name: "assistant", role: "assistant", content: chunk.content });
    }
  }
}
