import { AgentApp, Msg, ReActAgent, runtime, type SessionContext } from "agentscope";

/**
 * Two agents on two model slots: a planner that breaks the request into
 * steps, and an executor that carries the plan out with tools. Each agent's
 * messages stream to the client as they happen, named after their agent.
 */
export class App extends AgentApp {
  override async onStartup(): Promise<void> {
    runtime.tools.registerTool(({ expression }) => String(evaluate(String(expression))), {
      name: "calculate",
      description: "Evaluates an arithmetic expression of numbers, + - * / and parentheses.",
      parameters: { type: "object", properties: { expression: { type: "string" } }, required: ["expression"] },
    });
  }

  async *call(msg: Msg, ctx: SessionContext): AsyncGenerator<Msg> {
    const planner = new ReActAgent({
      name: "planner",
      model: runtime.models["planner"]!,
      sysPrompt: "Break the user's request into short numbered steps. Do not carry them out.",
    });
    const executor = new ReActAgent({
      name: "executor",
      model: runtime.models["executor"]!,
      sysPrompt: "Carry out the plan step by step with your tools, then answer the user.",
      toolkit: runtime.tools,
    });
    await runtime.session.loadSessionState(ctx.sessionId, { planner, executor });

    const plan = yield* planner.stream(msg, { signal: ctx.signal });
    const brief = new Msg({ name: "user", role: "user", content: `Request: ${msg.getTextContent()}\n\nPlan:\n${plan.getTextContent()}` });
    yield* executor.stream(brief, { signal: ctx.signal });

    await runtime.session.saveSessionState(ctx.sessionId, { planner, executor });
  }
}

/** A small arithmetic evaluator: the example's tool, with no eval(). */
function evaluate(expression: string): number {
  const tokens = expression.match(/\d+(?:\.\d+)?|[-+*/()]/g) ?? [];
  let at = 0;
  const peek = (): string | undefined => tokens[at];
  const primary = (): number => {
    const token = tokens[at++];
    if (token === "(") {
      const value = sum();
      at++;
      return value;
    }
    if (token === "-") return -primary();
    const value = Number(token);
    if (Number.isNaN(value)) throw new Error(`cannot read "${expression}"`);
    return value;
  };
  const product = (): number => {
    let value = primary();
    while (peek() === "*" || peek() === "/") value = tokens[at++] === "*" ? value * primary() : value / primary();
    return value;
  };
  const sum = (): number => {
    let value = product();
    while (peek() === "+" || peek() === "-") value = tokens[at++] === "+" ? value + product() : value - product();
    return value;
  };
  return sum();
}
