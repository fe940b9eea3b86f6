import { expect } from "chai";
import { pino } from "pino";
import { McpClient, type McpToolInfo } from "../../../src/tools/mcp-client.js";
import { registerMcpTools, syncMcpTools, unregisterMcpTools } from "../../../src/tools/mcp-tools.js";
import { Toolkit } from "../../../src/tools/toolkit.js";
import { REPO_ROOT } from "../../helpers/agentscope-process.js";
import { captureLogger } from "../../fixtures/mcp/capture-logger.js";
import { httpServerConfig } from "../../fixtures/mcp/configs.js";
import { McpHttpFixture } from "../../fixtures/mcp/http-servers.js";

const log = pino({ level: "silent" });
const FIXTURE_TOOLS = ["echo", "add", "fail", "slow", "picture", "mixed", "info"];

describe("registerMcpTools", function () {
  let alphaServer: McpHttpFixture;
  let betaServer: McpHttpFixture;
  let alpha: McpClient;
  let beta: McpClient;

  before(async function () {
    alphaServer = await McpHttpFixture.start("streamable_http");
    betaServer = await McpHttpFixture.start("sse");
    alpha = new McpClient("alpha", httpServerConfig("streamable_http", alphaServer.url, { timeout: 7 }), { log, cwd: REPO_ROOT });
    beta = new McpClient("beta", httpServerConfig("sse", betaServer.url), { log, cwd: REPO_ROOT });
    await alpha.start();
    await beta.start();
  });

  after(async function () {
    await beta?.close();
    await alpha?.close();
    await betaServer?.stop();
    await alphaServer?.stop();
  });

  async function serverOf(toolkit: Toolkit, tool: string): Promise<string> {
    const result = await toolkit.callTool({ type: "tool_use", id: tool, name: tool, input: {} });
    const [block] = result.output as [{ type: "text"; text: string }];
    return (JSON.parse(block.text) as { server: string }).server;
  }

  it("registers every tool with its description, schema (without $schema) and the server's timeout", async function () {
    const toolkit = new Toolkit();
    expect(registerMcpTools(toolkit, alpha, log)).to.deep.equal(FIXTURE_TOOLS);
    const echo = toolkit.getJsonSchemas().find((schema) => schema.function.name === "echo")!;
    expect(echo.function.description).to.equal("Returns the text it is given");
    expect(echo.function.parameters).to.not.have.property("$schema");
    expect(echo.function.parameters).to.deep.include({ type: "object", properties: { text: { type: "string" } }, required: ["text"] });
    const invalid = await toolkit.callTool({ type: "tool_use", id: "1", name: "add", input: { a: "two" } });
    expect(invalid.output).to.match(/^Error: invalid arguments for add/);
    const sum = await toolkit.callTool({ type: "tool_use", id: "2", name: "add", input: { a: 2, b: 40 } });
    expect(sum.output).to.equal('{"sum":42}');
  });

  it("registers a clashing name as <server>__<tool>, logging who holds the name, the same way every time", async function () {
    for (let round = 0; round < 2; round += 1) {
      const { log: captured, lines } = captureLogger();
      const toolkit = new Toolkit();
      toolkit.registerTool(() => "local", { name: "info", description: "a local tool" });
      const alphaNames = registerMcpTools(toolkit, alpha, captured);
      const betaNames = registerMcpTools(toolkit, beta, captured);
      expect(alphaNames).to.deep.equal(FIXTURE_TOOLS.map((name) => (name === "info" ? "alpha__info" : name)));
      expect(betaNames).to.deep.equal(FIXTURE_TOOLS.map((name) => `beta__${name}`));
      expect(await serverOf(toolkit, "alpha__info")).to.equal("streamable_http");
      expect(await serverOf(toolkit, "beta__info")).to.equal("sse");
      const echo = await toolkit.callTool({ type: "tool_use", id: "e", name: "beta__echo", input: { text: "from beta" } });
      expect(echo.output).to.deep.equal([{ type: "text", text: "from beta" }]);

      const clashes = lines.filter((line) => line.level === 30 && line["registeredAs"] !== undefined);
      expect(clashes.map((line) => line.msg)).to.include(
        `tool "info" is already registered by a local tool; MCP server "alpha"'s "info" is registered as "alpha__info"`,
      );
      expect(clashes.map((line) => line.msg)).to.include(
        `tool "echo" is already registered by MCP server "alpha"; MCP server "beta"'s "echo" is registered as "beta__echo"`,
      );

      unregisterMcpTools(toolkit, betaNames);
      expect(toolkit.names().some((name) => name.startsWith("beta__"))).to.equal(false);
      expect(toolkit.has("echo")).to.equal(true);
    }
  });

  it("follows the server's tools/list_changed", async function () {
    const toolkit = new Toolkit();
    const unsync = syncMcpTools(toolkit, beta, log);
    try {
      expect(toolkit.has("extra")).to.equal(false);
      const changed = new Promise<McpToolInfo[]>((resolve) => beta.onToolsChanged(resolve));
      betaServer.addTool("extra");
      expect((await changed).map((tool) => tool.name)).to.include("extra");
      expect(toolkit.has("extra")).to.equal(true);
      const result = await toolkit.callTool({ type: "tool_use", id: "1", name: "extra", input: {} });
      expect(result.output).to.deep.equal([{ type: "text", text: "extra" }]);
    } finally {
      unsync();
    }
    expect(toolkit.names()).to.deep.equal([]);
  });
});
