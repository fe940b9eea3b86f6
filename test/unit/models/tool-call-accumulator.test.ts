import { expect } from "chai";
import { StreamAccumulator, parseArguments } from "../../../src/models/tool-call-accumulator.js";

describe("StreamAccumulator", function () {
  it("builds cumulative chunks: thinking, then text, then tool calls in order", function () {
    const acc = new StreamAccumulator();
    acc.id = "r1";
    expect(acc.empty).to.equal(true);
    acc.addThinking("hm");
    acc.addText("Hel");
    expect(acc.chunk().content).to.deep.equal([
      { type: "thinking", thinking: "hm" },
      { type: "text", text: "Hel" },
    ]);
    acc.addText("lo");
    acc.addToolCall(0, { id: "c1", name: "search", args: '{"q":' });
    acc.addToolCall(1, { id: "c2", name: "clock" });
    acc.addToolCall(0, { args: '"rain"}' });
    const last = acc.chunk({ inputTokens: 3, outputTokens: 4, time: 0.5 });
    expect(last).to.deep.equal({
      id: "r1",
      content: [
        { type: "thinking", thinking: "hm" },
        { type: "text", text: "Hello" },
        { type: "tool_use", id: "c1", name: "search", input: { q: "rain" } },
        { type: "tool_use", id: "c2", name: "clock", input: {} },
      ],
      usage: { inputTokens: 3, outputTokens: 4, time: 0.5 },
    });
  });

  it("takes already-parsed arguments as they are", function () {
    const acc = new StreamAccumulator();
    acc.addToolCall("x", { id: "x", name: "f", input: { a: 1 } });
    expect(acc.chunk().content).to.deep.equal([{ type: "tool_use", id: "x", name: "f", input: { a: 1 } }]);
  });
});

describe("parseArguments", function () {
  it("parses a JSON object", function () {
    expect(parseArguments('{"a":[1,2]}')).to.deep.equal({ input: { a: [1, 2] } });
  });

  it("treats empty arguments as no arguments", function () {
    expect(parseArguments("  ")).to.deep.equal({ input: {} });
  });

  it("keeps malformed or non-object arguments raw and flagged instead of throwing", function () {
    expect(parseArguments('{"a":')).to.deep.equal({ input: {}, raw_input: '{"a":' });
    expect(parseArguments("[1]")).to.deep.equal({ input: {}, raw_input: "[1]" });
  });
});
