import path from "node:path";
import { expect } from "chai";
import { pino } from "pino";
import { AppLoadError } from "../../../src/errors.js";
import { McpClient, type McpToolInfo } from "../../../src/tools/mcp-client.js";
import { syncMcpTools } from "../../../src/tools/mcp-tools.js";
import { Toolkit } from "../../../src/tools/toolkit.js";
import { REPO_ROOT } from "../../helpers/agentscope-process.js";
import { captureLogger } from "../../fixtures/mcp/capture-logger.js";
import { httpServerConfig, stdioServerConfig } from "../../fixtures/mcp/configs.js";
import { McpHttpFixture } from "../../fixtures/mcp/http-servers.js";

const log = pino({ level: "silent" });
const FAST_RETRY = { initial: 20, max: 200 };

async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => expect.fail("expected a rejection"),
    (error: unknown) => error as Error,
  );
}

describe("McpClient start and close", function () {
  const clients: McpClient[] = [];
  const fixtures: McpHttpFixture[] = [];

  afterEach(async function () {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await Promise.all(fixtures.splice(0).map((fixture) => fixture.stop()));
  });

  /** A fixture that knows its port but is not listening: a server that is down. */
  async function downServer(kind: "streamable_http" | "sse"): Promise<McpHttpFixture> {
    const fixture = await McpHttpFixture.start(kind);
    fixtures.push(fixture);
    await fixture.stop();
    return fixture;
  }

  function track(client: McpClient): McpClient {
    clients.push(client);
    return client;
  }

  for (const kind of ["streamable_http", "sse"] as const) {
    it(`a required ${kind} server that is down fails start() naming the server, its URL and the cause`, async function () {
      const fixture = await downServer(kind);
      const client = track(new McpClient("search", httpServerConfig(kind, fixture.url), { log, cwd: REPO_ROOT }));
      const error = await rejection(client.start());
      expect(error).to.be.instanceOf(AppLoadError);
      expect((error as AppLoadError).code).to.equal("APP_LOAD_FAILED");
      expect(error.message).to.include('MCP server "search"').and.include(fixture.url).and.include("ECONNREFUSED");
      expect(client.tools()).to.deep.equal([]);
    });
  }

  it("a required stdio server whose command cannot run fails start() naming the command", async function () {
    const client = track(new McpClient("local", stdioServerConfig({ command: "/nonexistent/mcp-server", args: ["--flag"] }), { log, cwd: REPO_ROOT }));
    const error = await rejection(client.start());
    expect(error).to.be.instanceOf(AppLoadError);
    expect(error.message).to.include('MCP server "local"').and.include("/nonexistent/mcp-server --flag").and.include("ENOENT");
  });

  it("a stdio server that exits at start: the error quotes the end of its stderr", async function () {
    const script = "console.error('starting'); console.error('MISSING_TOKEN is not set'); process.exit(3)";
    const client = track(new McpClient("local", stdioServerConfig({ args: ["-e", script] }), { log, cwd: REPO_ROOT }));
    const error = await rejection(client.start());
    expect(error.message).to.include('MCP server "local"').and.include("(stderr: starting | MISSING_TOKEN is not set)");
  });

  it("hides a password in the URL it names", async function () {
    const fixture = await downServer("streamable_http");
    const url = fixture.url.replace("http://", "http://user:hunter2@");
    const client = track(new McpClient("search", httpServerConfig("streamable_http", url), { log, cwd: REPO_ROOT }));
    const error = await rejection(client.start());
    expect(error.message).to.include("user:***@").and.not.include("hunter2");
  });

  for (const kind of ["streamable_http", "sse"] as const) {
    it(`an optional ${kind} server that is down: start() warns and resolves with no tools; they appear once it is up`, async function () {
      const fixture = await downServer(kind);
      const { log: captured, lines } = captureLogger();
      const config = httpServerConfig(kind, fixture.url, { required: false });
      const client = track(new McpClient("later", config, { log: captured, cwd: REPO_ROOT, retryDelayMs: FAST_RETRY }));
      await client.start();
      expect(client.tools()).to.deep.equal([]);
      expect(client.connected).to.equal(false);
      const warning = lines.find((line) => line.level === 40)!;
      expect(warning.mcpServer).to.equal("later");
      expect(String(warning["err"])).to.include('MCP server "later"').and.include(fixture.url);

      const toolkit = new Toolkit();
      const unsync = syncMcpTools(toolkit, client, captured);
      expect(toolkit.names()).to.deep.equal([]);
      const appeared = new Promise<McpToolInfo[]>((resolve) => client.onToolsChanged(resolve));
      await fixture.listen();
      const tools = await appeared;
      expect(tools.map((tool) => tool.name)).to.include("echo");
      expect(toolkit.has("echo")).to.equal(true);
      const result = await toolkit.callTool({ type: "tool_use", id: "1", name: "echo", input: { text: "late but here" } });
      expect(result.output).to.deep.equal([{ type: "text", text: "late but here" }]);
      unsync();
      expect(toolkit.names()).to.deep.equal([]);
    });
  }

  it("an optional server that is up starts like any other", async function () {
    const fixture = await McpHttpFixture.start("streamable_http");
    fixtures.push(fixture);
    const client = track(new McpClient("up", httpServerConfig("streamable_http", fixture.url, { required: false }), { log, cwd: REPO_ROOT }));
    await client.start();
    expect(client.tools().map((tool) => tool.name)).to.include("echo");
  });

  it("follows the pages of the server's tool list", async function () {
    const paged = path.join(REPO_ROOT, "test/fixtures/mcp/paged-stdio-server.ts");
    const client = track(new McpClient("paged", stdioServerConfig({ args: ["--import", "tsx", paged] }), { log, cwd: REPO_ROOT }));
    await client.start();
    expect(client.tools().map((tool) => tool.name)).to.deep.equal(["tool_1", "tool_2", "tool_3", "tool_4", "tool_5"]);
    expect(await client.callTool("tool_5", {})).to.deep.equal([{ type: "text", text: "called tool_5" }]);
  });

  it("close() ends a Streamable HTTP session on the server (DELETE)", async function () {
    const fixture = await McpHttpFixture.start("streamable_http");
    fixtures.push(fixture);
    const client = track(new McpClient("polite", httpServerConfig("streamable_http", fixture.url), { log, cwd: REPO_ROOT }));
    await client.start();
    const sessionId = fixture.requests.find((request) => request.headers["mcp-session-id"] !== undefined)!.headers["mcp-session-id"];
    await client.close();
    const deletes = fixture.requests.filter((request) => request.method === "DELETE");
    expect(deletes.map((request) => request.headers["mcp-session-id"])).to.deep.equal([sessionId]);
  });

  it("close() is idempotent, ends the stdio child and fails later calls", async function () {
    const client = track(new McpClient("local", stdioServerConfig(), { log, cwd: REPO_ROOT }));
    await client.start();
    const [block] = (await client.callTool("info", {})) as [{ type: "text"; text: string }];
    const { pid } = JSON.parse(block.text) as { pid: number };
    expect(() => process.kill(pid, 0)).to.not.throw();
    await Promise.all([client.close(), client.close()]);
    await client.close();
    expect(() => process.kill(pid, 0)).to.throw(/ESRCH/);
    expect(client.connected).to.equal(false);
    expect((await rejection(client.callTool("echo", { text: "x" }))).message).to.include('MCP server "local"').and.include("closed");
    expect((await rejection(client.start())).message).to.include("closed");
  });

  it("close() rejects a call in flight, and the server stops running it", async function () {
    const fixture = await McpHttpFixture.start("sse");
    fixtures.push(fixture);
    const client = track(new McpClient("busy", httpServerConfig("sse", fixture.url), { log, cwd: REPO_ROOT }));
    await client.start();
    const started = fixture.slowStarted();
    const cancelled = fixture.slowCancelled();
    const failed = rejection(client.callTool("slow", {}));
    await started;
    await client.close();
    expect((await failed).message).to.equal('MCP server "busy": the client is closed');
    await cancelled;
  });

  it("close() stops the background retries of an optional server", async function () {
    const fixture = await downServer("streamable_http");
    const client = track(new McpClient("later", httpServerConfig("streamable_http", fixture.url, { required: false }), { log, cwd: REPO_ROOT, retryDelayMs: FAST_RETRY }));
    await client.start();
    await client.close();
    await client.close();
    expect(client.connected).to.equal(false);
  });
});
