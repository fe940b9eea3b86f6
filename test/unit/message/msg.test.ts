import { expect } from "chai";
import { Msg } from "../../../src/message/index.js";
import { formatTimestamp } from "../../../src/message/timestamp.js";

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})\.(\d{3})$/;

/** Reads a `YYYY-MM-DD HH:MM:SS.mmm` timestamp as local time. */
function parseLocal(timestamp: string): number {
  const parts = TIMESTAMP.exec(timestamp)!.slice(1).map(Number) as [number, number, number, number, number, number, number];
  const [y, mo, d, h, mi, s, ms] = parts;
  return new Date(y, mo - 1, d, h, mi, s, ms).getTime();
}

describe("Msg", () => {
  describe("constructor defaults", () => {
    it("generates a 32-hex-digit id, fresh for each message", () => {
      const a = new Msg({ name: "user", role: "user", content: "hi" });
      const b = new Msg({ name: "user", role: "user", content: "hi" });
      expect(a.id).to.match(/^[0-9a-f]{32}$/);
      expect(b.id).to.not.equal(a.id);
    });

    it("defaults metadata to an empty object", () => {
      expect(new Msg({ name: "user", role: "user", content: "hi" }).metadata).to.deep.equal({});
    });

    describe("timestamp", () => {
      let savedTz: string | undefined;
      before(() => {
        savedTz = process.env.TZ;
        // A half-hour offset, so a UTC or whole-hour mistake cannot pass by luck.
        process.env.TZ = "Asia/Kolkata";
      });
      after(() => {
        if (savedTz === undefined) delete process.env.TZ;
        else process.env.TZ = savedTz;
      });

      it("is now, in local time, as YYYY-MM-DD HH:MM:SS.mmm", () => {
        const before = Date.now();
        const msg = new Msg({ name: "user", role: "user", content: "hi" });
        const after = Date.now();
        expect(msg.timestamp).to.match(TIMESTAMP);
        expect(parseLocal(msg.timestamp)).to.be.within(before, after);
      });
    });

    it("keeps a given id, metadata and timestamp", () => {
      const metadata = { a: 1 };
      const msg = new Msg({ id: "x", name: "n", role: "user", content: "", metadata, timestamp: "t" });
      expect(msg.id).to.equal("x");
      expect(msg.metadata).to.equal(metadata);
      expect(msg.timestamp).to.equal("t");
    });
  });

  describe("formatTimestamp", () => {
    it("zero-pads every field", () => {
      expect(formatTimestamp(new Date(2024, 0, 2, 3, 4, 5, 6))).to.equal("2024-01-02 03:04:05.006");
      expect(formatTimestamp(new Date(2024, 11, 31, 23, 59, 58, 987))).to.equal("2024-12-31 23:59:58.987");
    });
  });

  describe("toDict", () => {
    it("has exactly the wire keys, in wire order", () => {
      const msg = new Msg({ name: "assistant", role: "assistant", content: "ok" });
      expect(Object.keys(msg.toDict())).to.deep.equal(["id", "name", "role", "content", "metadata", "timestamp"]);
      expect(msg.toDict()).to.deep.equal({
        id: msg.id,
        name: "assistant",
        role: "assistant",
        content: "ok",
        metadata: {},
        timestamp: msg.timestamp,
      });
    });

    it("shares content and metadata instead of copying them (it runs for every frame)", () => {
      const msg = new Msg({ name: "a", role: "assistant", content: [{ type: "text", text: "x" }], metadata: {} });
      const dict = msg.toDict();
      expect(dict.content).to.equal(msg.content);
      expect(dict.metadata).to.equal(msg.metadata);
    });
  });

  describe("getTextContent", () => {
    it("returns string content as is", () => {
      expect(new Msg({ name: "u", role: "user", content: "a\nb" }).getTextContent()).to.equal("a\nb");
    });

    it("joins only the text blocks with newlines", () => {
      const msg = new Msg({
        name: "a",
        role: "assistant",
        content: [
          { type: "thinking", thinking: "hmm" },
          { type: "text", text: "first" },
          { type: "tool_use", id: "c", name: "t", input: {} },
          { type: "tool_result", id: "c", name: "t", output: [{ type: "text", text: "nested" }] },
          { type: "text", text: "second" },
        ],
      });
      expect(msg.getTextContent()).to.equal("first\nsecond");
    });

    it("is empty when there is no text block", () => {
      const msg = new Msg({ name: "a", role: "assistant", content: [{ type: "thinking", thinking: "hmm" }] });
      expect(msg.getTextContent()).to.equal("");
    });
  });

  describe("getContentBlocks and hasContentBlocks", () => {
    const blocks = new Msg({
      name: "a",
      role: "assistant",
      content: [
        { type: "text", text: "one" },
        { type: "tool_use", id: "c1", name: "t", input: {} },
        { type: "text", text: "two" },
      ],
    });

    it("filters by type, keeping order", () => {
      expect(blocks.getContentBlocks("text")).to.deep.equal([
        { type: "text", text: "one" },
        { type: "text", text: "two" },
      ]);
      expect(blocks.getContentBlocks("tool_use").map((b) => b.id)).to.deep.equal(["c1"]);
      expect(blocks.getContentBlocks("image")).to.deep.equal([]);
    });

    it("returns every block when no type is given", () => {
      expect(blocks.getContentBlocks()).to.deep.equal(blocks.content);
    });

    it("treats string content as one text block", () => {
      const msg = new Msg({ name: "u", role: "user", content: "hi" });
      expect(msg.getContentBlocks()).to.deep.equal([{ type: "text", text: "hi" }]);
      expect(msg.getContentBlocks("text")).to.deep.equal([{ type: "text", text: "hi" }]);
      expect(msg.getContentBlocks("tool_use")).to.deep.equal([]);
      expect(msg.hasContentBlocks("text")).to.equal(true);
      expect(msg.hasContentBlocks("image")).to.equal(false);
    });

    it("says whether a block type is present", () => {
      expect(blocks.hasContentBlocks("tool_use")).to.equal(true);
      expect(blocks.hasContentBlocks("tool_result")).to.equal(false);
    });
  });
});
