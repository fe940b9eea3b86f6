/** The scaffold's `app.ts`: a ReAct agent with one local tool, its conversation saved per session. */
export const APP_TS = `import { AgentApp, Msg, ReActAgent, runtime, type SessionContext } from "agentscope";

/**
 * A ReAct agent with one local tool. Each turn loads the conversation of the
 * request's session id, streams the agent's messages (its text, tool calls
 * and tool results) and saves the conversation again.
 */
export class App extends AgentApp {
  override async onStartup(): Promise<void> {
    // A stand-in: call a real weather service here.
    runtime.tools.registerTool(async ({ city }) => \`It is sunny and 22 °C in \${String(city)}.\`, {
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
`;
