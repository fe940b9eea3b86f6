import { AgentApp, Msg, ReActAgent, runtime, type SessionContext } from "agentscope";

/**
 * The quickstart: a ReAct agent with one local tool, on a scripted model, so
 * it runs with no API key and no network. The stream shows the agent's text
 * chunk by chunk, its tool call and the tool's result, then the answer; the
 * conversation is saved per session between requests.
 */
export class App extends AgentApp {
  override async onStartup(): Promise<void> {
    runtime.tools.registerTool(({ city }) => `It is sunny and 22 °C in ${String(city)}.`, {
      name: "get_weather",
      description: "Today's weather in a city.",
      parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
    });
  }

  async *call(msg: Msg, ctx: SessionContext): AsyncGenerator<Msg> {
    const agent = new ReActAgent({
      name: "assistant",
      model: runtime.models.main,
      sysPrompt: "You are a friendly assistant. Use your tools when they help.",
      toolkit: runtime.tools,
    });
    await runtime.session.loadSessionState(ctx.sessionId, { agent });
    yield* agent.stream(msg, { signal: ctx.signal });
    await runtime.session.saveSessionState(ctx.sessionId, { agent });
  }
}
