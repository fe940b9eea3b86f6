import { expect } from "chai";
import { pino } from "pino";
import type { McpServerConfig } from "../../../src/config/index.js";
import type { ToolResultBlock } from "../../../src/message/index.js";
import { McpClient } from "../../../src/tools/mcp-client.js";
import { registerMcpTools } from "../../../src/tools/mcp-tools.js";
import { Toolkit } from "../../../src/tools/toolkit.js";
import { REPO_ROOT } from "../../helpers/agentscope-process.js";
import { httpServerConfig, stdioServerConfig } from "../../fixtures/mcp/configs.js";
import { PIXEL_PNG } from "../../fixtures/mcp/fixture-server.js";
import { McpHttpFixture, type HttpKind } from "../../fixtures/mcp/http-servers.js";

const log = pino({ level: "silent" });

interface Info {
  server: string;
  pid: number;
  cwd: string;
  env: string | null;
}

/** One transport under test: how to configure a client for it, and its server when it is in-process. */
type Overrides = Partial<Pick<McpServerConfig, "timeout" | "headers" | "required">>;

interface Harness {
  config(overrides?: Overrides): McpServerConfig;
  fixture?: McpHttpFixture;
}

const kinds: Array<HttpKind | "stdio"> = ["streamable_http", "sse", "stdio"];

for (const kind of kinds) {
  describe(`McpClient over ${kind}`, function () {
    const harness: Harness = { config: (overrides = {}) => stdioServerConfig(overrides) };
    const clients: McpClient[] = [];

    before(async function () {
      if (kind === "stdio") return;
      const fixture = await McpHttpFixture.start(kind);
      harness.fixture = fixture;
      harness.config = (overrides = {}) => httpServerConfig(kind, fixture.url, overrides);
    });

    afterEach(async function () {
      await Promise.all(clients.splice(0).map((client) => client.close()));
      await harness.fixture?.listen(); // a test that stopped the server leaves it serving again
    });

    after(async function () {
      await harness.fixture?.stop();
    });

    async function connect(overrides: Overrides = {}): Promise<McpClient> {
      const client = new McpClient("fixture", harness.config(overrides), { log, cwd: REPO_ROOT });
      clients.push(client);
      await client.start();
      return client;
    }

    async function info(client: McpClient): Promise<Info> {
      const output = await client.callTool("info", {});
      expect(output).to.have.length(1);
      const [block] = output as [{ type: "text"; text: string }];
      return JSON.parse(block.text) as Info;
    }

    it("lists the server's tools with their descriptions and schemas", async function () {
      const client = await connect();
      const tools = client.tools();
      expect(tools.map((tool) => tool.name)).to.include.members(["echo", "add", "fail", "slow", "picture", "mixed", "info"]);
      const echo = tools.find((tool) => tool.name === "echo")!;
      expect(echo.description).to.equal("Returns the text it is given");
      expect(echo.inputSchema).to.include({ type: "object" });
      expect(echo.inputSchema["properties"]).to.deep.equal({ text: { type: "string" } });
    });

    it("calls tools: text, structured content as JSON, an image, every other content kind", async function () {
      const client = await connect();
      expect(await client.callTool("echo", { text: "hello" })).to.deep.equal([{ type: "text", text: "hello" }]);
      expect(await client.callTool("add", { a: 2, b: 3 })).to.equal('{"sum":5}');
      expect(await client.callTool("picture", {})).to.deep.equal([
        { type: "image", source: { type: "base64", media_type: "image/png", data: PIXEL_PNG } },
      ]);
      expect(await client.callTool("mixed", {})).to.deep.equal([
        { type: "audio", source: { type: "base64", media_type: "audio/wav", data: "UklGRg==" } },
        { type: "text", text: "the notes" },
        { type: "text", text: "[binary resource file:///blob.bin (application/octet-stream), not shown]" },
        { type: "text", text: '[resource link: file:///linked.md "linked"]' },
      ]);
    });

    it("gives a tool's error (isError) to the Toolkit as an error result", async function () {
      const client = await connect();
      const toolkit = new Toolkit();
      registerMcpTools(toolkit, client, log);
      const outcomes: string[] = [];
      toolkit.onToolCall((report) => outcomes.push(report.outcome));
      const sessions = harness.fixture?.sessionsOpened;
      const result = await toolkit.callTool({ type: "tool_use", id: "1", name: "fail", input: {} });
      expect(result).to.deep.equal({ type: "tool_result", id: "1", name: "fail", output: "Error: fail failed: the fixture failed on purpose" });
      expect(outcomes).to.deep.equal(["error"]);
      expect(harness.fixture?.sessionsOpened).to.equal(sessions); // an error answer is no reason to reconnect
      const ok = await toolkit.callTool({ type: "tool_use", id: "2", name: "echo", input: { text: "still fine" } });
      expect(ok.output).to.deep.equal([{ type: "text", text: "still fine" }]);
    });

    it("bounds a call by the server's timeout: an error result, the server's call cancelled, the session still usable", async function () {
      const client = await connect({ timeout: 0.2 });
      const toolkit = new Toolkit();
      registerMcpTools(toolkit, client, log);
      const cancelled = harness.fixture?.slowCancelled();
      const result: ToolResultBlock = await toolkit.callTool({ type: "tool_use", id: "1", name: "slow", input: {} });
      expect(result.output).to.equal("Error: slow timed out after 0.2 s");
      await cancelled; // the cancellation reached the server (in-process servers only)
      const ok = await toolkit.callTool({ type: "tool_use", id: "2", name: "echo", input: { text: "after" } });
      expect(ok.output).to.deep.equal([{ type: "text", text: "after" }]);
    });

    it("rejects a call of its own when the server's timeout passes", async function () {
      const client = await connect({ timeout: 0.2 });
      const error = await client.callTool("slow", {}).then(
        () => expect.fail("the slow call resolved"),
        (thrown: unknown) => thrown as Error,
      );
      expect(error.message).to.match(/timed out/i);
    });

    it("stops a call when its signal aborts", async function () {
      const client = await connect();
      const controller = new AbortController();
      const call = client.callTool("slow", {}, { signal: controller.signal });
      controller.abort(new Error("the caller went away"));
      const error = await call.then(
        () => expect.fail("the slow call resolved"),
        (thrown: unknown) => thrown as Error,
      );
      expect(error.message).to.include("the caller went away");
    });

    it("reconnects with a fresh session when the server restarted mid-life", async function () {
      const client = await connect();
      const before = await info(client);
      const sessions = harness.fixture?.sessionsOpened;
      if (harness.fixture !== undefined) {
        await harness.fixture.stop();
        await harness.fixture.listen();
      } else {
        process.kill(before.pid, "SIGKILL");
      }
      expect(await client.callTool("echo", { text: "again" })).to.deep.equal([{ type: "text", text: "again" }]);
      expect(client.connected).to.equal(true);
      if (harness.fixture !== undefined) expect(harness.fixture.sessionsOpened).to.equal(sessions! + 1);
      else expect((await info(client)).pid).to.not.equal(before.pid);
    });

    // (A stdio server is never "down": the next call starts it again.)
    if (kind !== "stdio") {
      it("names the server and its URL when it stays down", async function () {
        const fixture = harness.fixture!;
        const client = await connect();
        await fixture.stop();
        const error = await client.callTool("echo", { text: "x" }).then(
          () => expect.fail("the call resolved with the server down"),
          (thrown: unknown) => thrown as Error,
        );
        expect(error.message).to.include('MCP server "fixture"').and.include(fixture.url);
      });
    }
  });
}

describe("McpClient headers", function () {
  for (const kind of ["streamable_http", "sse"] as const) {
    it(`sends the configured headers on every ${kind} request`, async function () {
      const fixture = await McpHttpFixture.start(kind);
      const client = new McpClient("fixture", httpServerConfig(kind, fixture.url, { headers: { Authorization: "Bearer s3cret", "X-Team": "blue" } }), {
        log,
        cwd: REPO_ROOT,
      });
      try {
        await client.start();
        await client.callTool("echo", { text: "hi" });
        await client.close();
        const methods = new Set(fixture.requests.map((request) => request.method));
        expect(methods).to.include("POST");
        expect(methods).to.include(kind === "sse" ? "GET" : "DELETE");
        for (const request of fixture.requests) {
          expect(request.headers, `${request.method} ${request.path}`).to.include({ authorization: "Bearer s3cret", "x-team": "blue" });
        }
      } finally {
        await client.close();
        await fixture.stop();
      }
    });
  }
});

describe("McpClient over stdio: the process", function () {
  const clients: McpClient[] = [];
  afterEach(async function () {
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });

  it("runs the command in cwd (relative to the project) with env over a safe default environment", async function () {
    process.env["AGENTSCOPE_TEST_LEAK"] = "should not pass";
    try {
      const client = new McpClient("fixture", stdioServerConfig({ cwd: "test/fixtures", env: { MCP_FIXTURE_VALUE: "forty-two" } }), { log, cwd: REPO_ROOT });
      clients.push(client);
      await client.start();
      const read = async (env: string): Promise<Info> => {
        const [block] = (await client.callTool("info", { env })) as [{ type: "text"; text: string }];
        return JSON.parse(block.text) as Info;
      };
      const own = await read("MCP_FIXTURE_VALUE");
      expect(own.cwd).to.equal(`${REPO_ROOT}/test/fixtures`);
      expect(own.env).to.equal("forty-two");
      expect((await read("AGENTSCOPE_TEST_LEAK")).env).to.equal(null);
      expect((await read("PATH")).env).to.equal(process.env["PATH"]);
    } finally {
      delete process.env["AGENTSCOPE_TEST_LEAK"];
    }
  });
});
