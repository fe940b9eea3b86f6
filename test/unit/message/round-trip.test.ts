import { expect } from "chai";
import { Msg, type ContentBlock, type MsgDict } from "../../../src/message/index.js";

function roundTrip(msg: Msg): MsgDict {
  return Msg.fromDict(JSON.parse(JSON.stringify(msg.toDict()))).toDict();
}

const cases: Record<string, string | ContentBlock[]> = {
  "string content": "plain text",
  text: [{ type: "text", text: "hello" }],
  thinking: [{ type: "thinking", thinking: "let me see" }],
  tool_use: [{ type: "tool_use", id: "call_1", name: "get_weather", input: { city: "Paris", days: [1, 2] } }],
  "tool_result with string output": [{ type: "tool_result", id: "call_1", name: "get_weather", output: "sunny" }],
  "tool_result with block output": [
    {
      type: "tool_result",
      id: "call_2",
      name: "snapshot",
      output: [
        { type: "text", text: "here it is" },
        { type: "image", source: { type: "url", url: "https://example.com/a.png" } },
      ],
    },
  ],
  "image from base64": [{ type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } }],
  "audio from url": [{ type: "audio", source: { type: "url", url: "https://example.com/a.wav" } }],
  "video from base64": [{ type: "video", source: { type: "base64", media_type: "video/mp4", data: "AAAA" } }],
};

describe("Msg round trip (toDict → JSON → fromDict → toDict)", () => {
  for (const [label, content] of Object.entries(cases)) {
    it(`keeps ${label}`, () => {
      const msg = new Msg({ name: "assistant", role: "assistant", content, metadata: { step: 1 } });
      expect(roundTrip(msg)).to.deep.equal(msg.toDict());
    });
  }

  it("keeps every block type together in order", () => {
    const content = Object.values(cases).filter((c) => typeof c !== "string").flat();
    const msg = new Msg({ name: "user", role: "user", content });
    expect(roundTrip(msg).content).to.deep.equal(content);
  });

  it("keeps the given id, timestamp, metadata, name and role", () => {
    const dict = {
      id: "abc123",
      name: "Friday",
      role: "system",
      content: "be brief",
      metadata: { trace: { id: 7 } },
      timestamp: "2024-01-02 03:04:05.006",
    };
    expect(Msg.fromDict(dict).toDict()).to.deep.equal(dict);
  });

  it("drops unknown keys on the message and on blocks without rejecting them", () => {
    const msg = Msg.fromDict({
      id: "m1",
      name: "user",
      role: "user",
      content: [{ type: "text", text: "hi", cache_control: "ephemeral" }],
      timestamp: "2024-01-02 03:04:05.006",
      invocation_id: "x",
    });
    expect(msg.toDict()).to.deep.equal({
      id: "m1",
      name: "user",
      role: "user",
      content: [{ type: "text", text: "hi" }],
      metadata: {},
      timestamp: "2024-01-02 03:04:05.006",
    });
  });

  it("keeps every key of a tool's input and of metadata", () => {
    const msg = Msg.fromDict({
      name: "assistant",
      role: "assistant",
      content: [{ type: "tool_use", id: "c", name: "t", input: { anything: { nested: true } } }],
      metadata: { free: ["form"] },
    });
    expect(msg.getContentBlocks("tool_use")[0]?.input).to.deep.equal({ anything: { nested: true } });
    expect(msg.metadata).to.deep.equal({ free: ["form"] });
  });
});
