import { expect } from "chai";
import { Msg } from "../../../src/message/index.js";
import { ModelError, ScriptedModel } from "../../../src/models/index.js";
import { collect } from "../../helpers/model-results.js";

const question = new Msg({ name: "user", role: "user", content: "what is the weather?" });

describe("ScriptedModel", function () {
  it("streams cumulative chunks of chunk_chars characters under one id, usage on the last", async function () {
    const model = new ScriptedModel({ script: [{ thinking: "hmm", text: "It is sunny." }], chunkChars: 4 });
    const chunks = await collect(model.stream([question]));
    expect(chunks.map((c) => c.content)).to.deep.equal([
      [{ type: "thinking", thinking: "hmm" }],
      [{ type: "thinking", thinking: "hmm" }, { type: "text", text: "It i" }],
      [{ type: "thinking", thinking: "hmm" }, { type: "text", text: "It is su" }],
      [{ type: "thinking", thinking: "hmm" }, { type: "text", text: "It is sunny." }],
    ]);
    expect(new Set(chunks.map((c) => c.id)).size).to.equal(1);
    expect(chunks.slice(0, -1).every((c) => c.usage === undefined)).to.equal(true);
    const usage = chunks.at(-1)!.usage!;
    expect(usage.inputTokens).to.equal(Math.ceil("what is the weather?".length / 4));
    expect(usage.outputTokens).to.be.above(0);
    expect(usage.time).to.be.a("number").at.least(0);
  });

  it("replays tool calls with given or generated ids, and scripted usage", async function () {
    const model = new ScriptedModel({
      script: [{ text: "Looking.", toolCalls: [{ name: "search", input: { q: "weather" } }, { id: "fixed", name: "clock" }], usage: { inputTokens: 12, outputTokens: 5 } }],
    });
    const reply = await model.call([question]);
    const calls = reply.content.filter((b) => b.type === "tool_use");
    expect(calls).to.have.length(2);
    expect(calls[0]).to.include({ name: "search" }).and.to.have.property("id").that.matches(/^call_/);
    expect(calls[0]).to.have.deep.property("input", { q: "weather" });
    expect(calls[1]).to.deep.equal({ type: "tool_use", id: "fixed", name: "clock", input: {} });
    expect(reply.usage).to.include({ inputTokens: 12, outputTokens: 5 });
  });

  it("answers calls in script order and cycles when exhausted", async function () {
    const model = new ScriptedModel({ script: [{ text: "one" }, { text: "two" }] });
    const texts = [];
    for (let i = 0; i < 3; i++) texts.push((await model.call([question])).content[0]);
    expect(texts).to.deep.equal([{ type: "text", text: "one" }, { type: "text", text: "two" }, { type: "text", text: "one" }]);
  });

  it("fails clearly when exhausted and told not to cycle", async function () {
    const model = new ScriptedModel({ script: [{ text: "one" }], exhausted: "error" });
    await model.call([question]);
    const error = await model.call([question]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(ModelError);
    expect((error as ModelError).message).to.contain("script exhausted");
    expect((error as ModelError).retryable).to.equal(false);
  });

  it("stops streaming when its signal aborts, even mid-delay", async function () {
    const model = new ScriptedModel({ script: [{ text: "a long answer that streams slowly" }], chunkChars: 2, delayMs: 60_000 });
    const controller = new AbortController();
    const stream = model.stream([question], { signal: controller.signal });
    const first = await stream.next();
    expect(first.done).to.equal(false);
    const pending = stream.next();
    controller.abort(new Error("client went away"));
    const error = await pending.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(Error).with.property("message", "client went away");
  });
});
