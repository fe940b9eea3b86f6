import { expect } from "chai";
import { MessageFormatError } from "../../../src/errors.js";
import { Msg } from "../../../src/message/index.js";

const valid = { name: "user", role: "user", content: "hi" };

/** The message of the MessageFormatError that `fromDict` throws for `value`. */
function rejection(value: unknown, path?: string): string {
  try {
    Msg.fromDict(value, path);
  } catch (error) {
    expect(error).to.be.instanceOf(MessageFormatError);
    expect((error as MessageFormatError).code).to.equal("INVALID_MESSAGE");
    return (error as Error).message;
  }
  throw new Error("fromDict accepted the value");
}

function withContent(...blocks: unknown[]): unknown {
  return { ...valid, content: blocks };
}

describe("Msg.fromDict", () => {
  describe("accepts", () => {
    it("a minimal message, generating id and timestamp and defaulting metadata", () => {
      const msg = Msg.fromDict(valid);
      expect(msg.id).to.match(/^[0-9a-f]{32}$/);
      expect(msg.timestamp).to.match(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/);
      expect(msg.metadata).to.deep.equal({});
      expect([msg.name, msg.role, msg.content]).to.deep.equal(["user", "user", "hi"]);
    });

    it("null id, metadata and timestamp as absent (Python clients send null)", () => {
      const msg = Msg.fromDict({ ...valid, id: null, metadata: null, timestamp: null });
      expect(msg.id).to.match(/^[0-9a-f]{32}$/);
      expect(msg.timestamp).to.match(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/);
      expect(msg.metadata).to.deep.equal({});
    });

    it("each of the three roles", () => {
      for (const role of ["user", "assistant", "system"]) expect(Msg.fromDict({ ...valid, role }).role).to.equal(role);
    });

    it("an empty block list", () => {
      expect(Msg.fromDict({ ...valid, content: [] }).content).to.deep.equal([]);
    });
  });

  describe("rejects, naming the field", () => {
    it("a value that is not an object", () => {
      for (const value of [undefined, null, "hi", 3, [valid]]) {
        expect(rejection(value)).to.equal("message: expected an object");
      }
    });

    it("a missing name, role or content", () => {
      expect(rejection({ role: "user", content: "x" })).to.equal("message.name: required");
      expect(rejection({ name: "u", content: "x" })).to.equal("message.role: required");
      expect(rejection({ name: "u", role: "user" })).to.equal("message.content: required");
    });

    it("a name that is not a string", () => {
      expect(rejection({ ...valid, name: 42 })).to.equal("message.name: expected a string");
    });

    it("an unknown role", () => {
      expect(rejection({ ...valid, role: "bot" })).to.equal("message.role: must be one of user, assistant, system");
    });

    it("content that is neither a string nor an array", () => {
      expect(rejection({ ...valid, content: { type: "text", text: "x" } })).to.equal(
        "message.content: expected a string or an array of blocks",
      );
    });

    it("an id, timestamp or metadata of the wrong type", () => {
      expect(rejection({ ...valid, id: 7 })).to.equal("message.id: expected a string");
      expect(rejection({ ...valid, timestamp: 1700000000 })).to.equal("message.timestamp: expected a string");
      expect(rejection({ ...valid, metadata: ["a"] })).to.equal("message.metadata: expected an object");
    });

    it("a block that is not an object", () => {
      expect(rejection(withContent("text"))).to.equal("message.content[0]: expected an object");
    });

    it("an unknown block type", () => {
      expect(rejection(withContent({ type: "foo" }))).to.equal('message.content[0].type: unknown block type "foo"');
    });

    it("a block without a type", () => {
      expect(rejection(withContent({ text: "x" }))).to.equal("message.content[0].type: required");
    });

    it("a text or thinking block without its text", () => {
      expect(rejection(withContent({ type: "text" }))).to.equal("message.content[0].text: required");
      expect(rejection(withContent({ type: "thinking", thinking: 1 }))).to.equal(
        "message.content[0].thinking: expected a string",
      );
    });

    it("a tool_use block whose input is not an object", () => {
      const ok = { type: "text", text: "x" };
      expect(rejection(withContent(ok, { type: "tool_use", id: "c", name: "t", input: [1] }))).to.equal(
        "message.content[1].input: expected an object",
      );
      expect(rejection(withContent(ok, { type: "tool_use", id: "c", name: "t", input: "{}" }))).to.equal(
        "message.content[1].input: expected an object",
      );
    });

    it("a tool_use block without id, name or input", () => {
      expect(rejection(withContent({ type: "tool_use" }))).to.equal(
        "message.content[0].id: required; message.content[0].name: required; message.content[0].input: required",
      );
    });

    it("a tool_result whose output is neither a string nor blocks", () => {
      expect(rejection(withContent({ type: "tool_result", id: "c", name: "t", output: 3 }))).to.equal(
        "message.content[0].output: expected a string or an array of blocks",
      );
    });

    it("a malformed block inside a tool_result's output", () => {
      const output = [{ type: "text", text: "ok" }, { type: "image" }];
      expect(rejection(withContent({ type: "tool_result", id: "c", name: "t", output }))).to.equal(
        "message.content[0].output[1].source: required",
      );
    });

    it("an unknown media source type", () => {
      expect(rejection(withContent({ type: "image", source: { type: "file", path: "/x" } }))).to.equal(
        'message.content[0].source.type: unknown source type "file"',
      );
    });

    it("a media source missing its fields", () => {
      expect(rejection(withContent({ type: "audio", source: { type: "base64", data: "AA" } }))).to.equal(
        "message.content[0].source.media_type: required",
      );
      expect(rejection(withContent({ type: "video", source: { type: "url" } }))).to.equal(
        "message.content[0].source.url: required",
      );
    });

    it("under the path prefix it is given", () => {
      expect(rejection({ ...valid, role: "bot" }, "body.message")).to.equal(
        "body.message.role: must be one of user, assistant, system",
      );
      expect(rejection(null, "yielded message")).to.equal("yielded message: expected an object");
    });

    it("without echoing a long bad value in full", () => {
      const message = rejection(withContent({ type: "x".repeat(500) }));
      expect(message).to.have.length.below(100);
      expect(message).to.match(/^message\.content\[0\]\.type: unknown block type "x+\.\.\.$/);
    });
  });

  describe("reports several problems", () => {
    it("all in one message, joined by '; ', in field order", () => {
      const value = {
        name: 1,
        role: "bot",
        content: [{ type: "text", text: "ok" }, { type: "foo" }, { type: "tool_use", id: "c", name: "t", input: null }],
        metadata: "x",
      };
      expect(rejection(value)).to.equal(
        [
          "message.name: expected a string",
          "message.role: must be one of user, assistant, system",
          'message.content[1].type: unknown block type "foo"',
          "message.content[2].input: expected an object",
          "message.metadata: expected an object",
        ].join("; "),
      );
    });

    it("at most ten, then how many more", () => {
      const blocks = Array.from({ length: 25 }, () => ({ type: "text" }));
      const message = rejection(withContent(...blocks));
      const parts = message.split("; ");
      expect(parts).to.have.length(11);
      expect(parts[9]).to.equal("message.content[9].text: required");
      expect(parts[10]).to.equal("and 15 more");
    });
  });
});
