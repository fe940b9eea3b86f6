import { expect } from "chai";
import { InMemoryMemory, ReActAgent } from "../../../src/agent/index.js";
import { Msg } from "../../../src/message/index.js";
import { ScriptedModel, type ChatCallOptions, type ChatModel, type ChatResponse, type ScriptStep } from "../../../src/models/index.js";
import { MemorySessionStore } from "../../../src/session/index.js";
import { Toolkit } from "../../../src/tools/index.js";

/** A scripted model that also records every prompt it was sent. */
class RecordingModel implements ChatModel {
  readonly provider = "scripted";
  readonly modelName = "recording";
  readonly prompts: Msg[][] = [];
  readonly #inner: ScriptedModel;

  constructor(script: ScriptStep[], chunkChars = 100) {
    this.#inner = new ScriptedModel({ script, chunkChars });
  }

  call(msgs: readonly Msg[], options?: ChatCallOptions): Promise<ChatResponse> {
    this.prompts.push([...msgs]);
    return this.#inner.call(msgs, options);
  }

  stream(msgs: readonly Msg[], options?: ChatCallOptions): AsyncGenerator<ChatResponse, void, undefined> {
    this.prompts.push([...msgs]);
    return this.#inner.stream(msgs, options);
  }
}

const ask = (text: string) => new Msg({ name: "user", role: "user", content: text });

async function collect(stream: AsyncGenerator<Msg, Msg>): Promise<{ yielded: Msg[]; final: Msg }> {
  const yielded: Msg[] = [];
  for (;;) {
    const step = await stream.next();
    if (step.done === true) return { yielded, final: step.value };
    yielded.push(step.value);
  }
}

describe("ReActAgent", function () {
  it("streams a text-only answer as cumulative chunks under one id, and remembers the turn", async function () {
    const model = new RecordingModel([{ text: "Hello there!" }], 5);
    const agent = new ReActAgent({ name: "bot", model, sysPrompt: "Be kind." });
    const { yielded, final } = await collect(agent.stream(ask("hi")));
    expect(yielded.map((m) => m.getTextContent())).to.deep.equal(["Hello", "Hello ther", "Hello there!"]);
    expect(new Set(yielded.map((m) => m.id)).size).to.equal(1);
    expect(final.id).to.equal(yielded[0]!.id);
    expect(final.getTextContent()).to.equal("Hello there!");
    expect(model.prompts[0]!.map((m) => [m.role, m.getTextContent()])).to.deep.equal([["system", "Be kind."], ["user", "hi"]]);
    expect(agent.memory.get().map((m) => m.role)).to.deep.equal(["user", "assistant"]);
  });

  it("runs the tool calls of one turn concurrently, yielding each call and result, then the answer", async function () {
    const model = new RecordingModel([
      { text: "Checking both.", toolCalls: [{ id: "a", name: "slow_a" }, { id: "b", name: "slow_b" }] },
      { text: "Both done." },
    ]);
    const toolkit = new Toolkit();
    // Each tool finishes only once both have started: run one at a time and this never resolves.
    let started = 0;
    let bothStarted!: () => void;
    const barrier = new Promise<void>((resolve) => (bothStarted = resolve));
    const tool = (label: string) => async () => {
      if (++started === 2) bothStarted();
      await barrier;
      return `${label} ok`;
    };
    toolkit.registerTool(tool("A"), { name: "slow_a" });
    toolkit.registerTool(tool("B"), { name: "slow_b" });
    const agent = new ReActAgent({ name: "bot", model, sysPrompt: "s", toolkit });
    const { yielded, final } = await collect(agent.stream(ask("go")));
    const kinds = yielded.map((m) => (typeof m.content === "string" ? "text" : m.content.map((b) => b.type).join("+")));
    expect(kinds).to.deep.equal(["text", "tool_use", "tool_use", "tool_result", "tool_result", "text"]);
    expect(yielded[3]!.content).to.deep.equal([{ type: "tool_result", id: "a", name: "slow_a", output: "A ok" }]);
    expect(yielded[4]!.content).to.deep.equal([{ type: "tool_result", id: "b", name: "slow_b", output: "B ok" }]);
    expect(final.getTextContent()).to.equal("Both done.");
    // The second model turn saw the calls and their results.
    const second = model.prompts[1]!;
    expect(second.flatMap((m) => m.getContentBlocks().map((b) => b.type))).to.include.members(["tool_use", "tool_result"]);
  });

  it("feeds a tool's error back to the model as a result", async function () {
    const model = new RecordingModel([{ toolCalls: [{ id: "x", name: "explode" }] }, { text: "Sorry, that failed." }]);
    const toolkit = new Toolkit();
    toolkit.registerTool(() => {
      throw new Error("kaboom");
    }, { name: "explode" });
    const agent = new ReActAgent({ name: "bot", model, sysPrompt: "s", toolkit });
    const final = await agent.call(ask("try"));
    expect(final.getTextContent()).to.equal("Sorry, that failed.");
    const results = model.prompts[1]!.flatMap((m) => m.getContentBlocks("tool_result"));
    expect(results).to.deep.equal([{ type: "tool_result", id: "x", name: "explode", output: "Error: explode failed: kaboom" }]);
  });

  it("stops at maxIters with a clear final message", async function () {
    const model = new RecordingModel([{ toolCalls: [{ name: "again" }] }]);
    const toolkit = new Toolkit();
    toolkit.registerTool(() => "more", { name: "again" });
    const agent = new ReActAgent({ name: "bot", model, sysPrompt: "s", toolkit, maxIters: 3 });
    const final = await agent.call(ask("loop"));
    expect(model.prompts).to.have.length(3);
    expect(final.getTextContent()).to.equal("I stopped after 3 steps without reaching a final answer.");
    expect(final.metadata).to.deep.equal({ max_iters_reached: true });
  });

  it("restores its memory from a session store across two requests", async function () {
    const store = new MemorySessionStore();
    const model = new RecordingModel([{ text: "Nice to meet you, Ada." }, { text: "You are Ada." }]);
    const first = new ReActAgent({ name: "bot", model, sysPrompt: "s" });
    await store.loadSessionState("s1", { agent: first });
    await first.call(ask("I am Ada."));
    await store.saveSessionState("s1", { agent: first });

    // A new request builds a new agent, as an App does per call.
    const second = new ReActAgent({ name: "bot", model, sysPrompt: "s", memory: new InMemoryMemory() });
    await store.loadSessionState("s1", { agent: second });
    await second.call(ask("Who am I?"));
    expect(model.prompts[1]!.map((m) => m.getTextContent())).to.deep.equal(["s", "I am Ada.", "Nice to meet you, Ada.", "Who am I?"]);
  });

  it("stops when its signal aborts", async function () {
    const model = new ScriptedModel({ script: [{ text: "a slow answer" }], chunkChars: 1, delayMs: 60_000 });
    const agent = new ReActAgent({ name: "bot", model, sysPrompt: "s" });
    const controller = new AbortController();
    const stream = agent.stream(ask("hi"), { signal: controller.signal });
    await stream.next();
    const pending = stream.next();
    controller.abort(new Error("client left"));
    const error = await pending.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(Error).with.property("message", "client left");
  });
});
