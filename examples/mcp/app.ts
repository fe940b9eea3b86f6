import { AgentApp, Msg, ReActAgent, runtime, type SessionContext } from "agentscope";

/**
 * A ReAct agent whose tools come from MCP servers (agentapp.yaml's
 * mcp_servers): the runtime connects them at start and registers their tools
 * in runtime.tools, so the agent needs no tool code of its own.
 */
export class App extends AgentApp {
  async *call(msg: Msg, ctx: SessionContext): AsyncGenerator<Msg> {
    const agent = new ReActAgent({
      name: "forecaster",
      model: runtime.models.main,
      sysPrompt: "You answer questions about the weather using your tools.",
      toolkit: runtime.tools,
    });
    await runtime.session.loadSessionState(ctx.sessionId, { agent });
    yield* agent.stream(msg, { signal: ctx.signal });
    await runtime.session.saveSessionState(ctx.sessionId, { agent });
  }
}
