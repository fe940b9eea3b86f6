import { expect } from "chai";
import { z } from "zod";
import type { ToolUseBlock } from "../../../src/message/index.js";
import { Toolkit, type ToolCallReport } from "../../../src/tools/index.js";

function use(name: string, input: Record<string, unknown> = {}, extra: Partial<ToolUseBlock> = {}): ToolUseBlock {
  return { type: "tool_use", id: `id-${name}`, name, input, ...extra };
}

describe("Toolkit", function () {
  let toolkit: Toolkit;
  let reports: ToolCallReport[];

  beforeEach(function () {
    toolkit = new Toolkit({ defaultTimeoutMs: 1_000 });
    reports = [];
    toolkit.onToolCall((report) => reports.push(report));
    toolkit.registerTool(({ city }) => `Sunny in ${String(city)}`, {
      name: "weather",
      description: "Today's weather",
      parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
    });
  });

  it("lists tools in the OpenAI function form", function () {
    toolkit.registerTool(() => 1, { name: "count", parameters: z.object({ n: z.number().describe("how many") }) });
    expect(toolkit.getJsonSchemas()).to.deep.equal([
      {
        type: "function",
        function: {
          name: "weather",
          description: "Today's weather",
          parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
        },
      },
      {
        type: "function",
        function: {
          name: "count",
          parameters: { type: "object", properties: { n: { type: "number", description: "how many" } }, required: ["n"], additionalProperties: false },
        },
      },
    ]);
  });

  it("calls a tool and returns its tool_result with the block's id", async function () {
    const result = await toolkit.callTool(use("weather", { city: "Paris" }));
    expect(result).to.deep.equal({ type: "tool_result", id: "id-weather", name: "weather", output: "Sunny in Paris" });
    expect(reports.map((r) => r.outcome)).to.deep.equal(["ok"]);
  });

  it("sends non-text values as JSON and content blocks as they are", async function () {
    toolkit.registerTool(() => ({ a: 1 }), { name: "obj" });
    toolkit.registerTool(() => [{ type: "text", text: "block" }], { name: "blocks" });
    expect((await toolkit.callTool(use("obj"))).output).to.equal('{"a":1}');
    expect((await toolkit.callTool(use("blocks"))).output).to.deep.equal([{ type: "text", text: "block" }]);
  });

  it("turns an unknown tool into an error result listing the tools", async function () {
    const result = await toolkit.callTool(use("nope"));
    expect(result.output).to.equal('Error: unknown tool "nope"; available: weather');
    expect(reports[0]!.outcome).to.equal("unknown_tool");
  });

  it("validates arguments against the schema before calling", async function () {
    let called = false;
    toolkit.registerTool(() => (called = true), { name: "strict", parameters: z.object({ n: z.number().int().min(1) }) });
    const result = await toolkit.callTool(use("strict", { n: 0 }));
    expect(called).to.equal(false);
    expect(result.output).to.match(/^Error: invalid arguments for strict: n: /);
    const json = await toolkit.callTool(use("weather", { city: 3 }));
    expect(json.output).to.match(/^Error: invalid arguments for weather: city: /);
    expect(reports.map((r) => r.outcome)).to.deep.equal(["invalid_arguments", "invalid_arguments"]);
  });

  it("reports arguments the model did not write as JSON", async function () {
    const result = await toolkit.callTool(use("weather", {}, { raw_input: '{"city":' }));
    expect(result.output).to.equal('Error: the arguments are not a JSON object: {"city":');
  });

  it("turns a throwing tool into an error result naming the cause", async function () {
    toolkit.registerTool(() => {
      throw new Error("database down");
    }, { name: "broken" });
    expect((await toolkit.callTool(use("broken"))).output).to.equal("Error: broken failed: database down");
    expect(reports[0]!.outcome).to.equal("error");
  });

  it("gives up on a tool past its timeout and aborts its signal", async function () {
    let aborted: Promise<void> | undefined;
    toolkit.registerTool(
      (_input, { signal }) => {
        aborted = new Promise((resolve) => signal.addEventListener("abort", () => resolve()));
        return new Promise(() => {});
      },
      { name: "stuck", timeoutMs: 50 },
    );
    const result = await toolkit.callTool(use("stuck"));
    expect(result.output).to.equal("Error: stuck timed out after 0.05 s");
    await aborted;
    expect(reports[0]!.outcome).to.equal("timeout");
  });

  it("stops a call when the caller's signal aborts", async function () {
    toolkit.registerTool(() => new Promise(() => {}), { name: "forever" });
    const controller = new AbortController();
    const pending = toolkit.callTool(use("forever"), { signal: controller.signal });
    controller.abort();
    expect((await pending).output).to.equal("Error: forever was cancelled");
  });

  it("refuses duplicate and malformed names", function () {
    expect(() => toolkit.registerTool(() => 1, { name: "weather" })).to.throw(/already registered/);
    expect(() => toolkit.registerTool(() => 1, { name: "has space" })).to.throw(/must be 1-64/);
    expect(toolkit.removeTool("weather")).to.equal(true);
    expect(toolkit.has("weather")).to.equal(false);
  });
});
