import { expect } from "chai";
import { rm, rmdir } from "node:fs/promises";
import path from "node:path";
import { JsonSessionStore } from "../../src/session/index.js";
import { REPO_ROOT, startServer, type AgentscopeProcess } from "../helpers/agentscope-process.js";
import { probeProject } from "../helpers/fixtures.js";
import { DONE, invoke, userMessage } from "../helpers/http-client.js";
import { tempProject, type TempProject } from "../helpers/temp-project.js";
import { McpHttpFixture } from "../fixtures/mcp/http-servers.js";

type Frame = { role: string; content: Array<{ type: string; name?: string; input?: unknown; output?: unknown; text?: string }> };

describe("a ReAct app calling MCP tools through `agentscope run`", function () {
  let search: McpHttpFixture;
  let legacy: McpHttpFixture;
  let project: TempProject;
  let url: string;
  let proc: AgentscopeProcess;

  before(async function () {
    search = await McpHttpFixture.start("streamable_http");
    legacy = await McpHttpFixture.start("sse");
    const config = `
models:
  main:
    provider: scripted
    script:
      - text: "Let me ask the server."
        tool_calls: [{ id: call-1, name: echo, input: { text: "hello over MCP" } }, { id: call-2, name: legacy__echo, input: { text: "and over SSE" } }]
      - text: "The server echoed it."
mcp_servers:
  search:
    url: ${search.url}
    transport: streamable_http
    headers: { Authorization: "Bearer \${MCP_TOKEN}" }
  legacy:
    url: ${legacy.url}
    transport: sse
session:
  backend: memory
`;
    project = await tempProject(await probeProject(config));
    ({ url, proc } = await startServer(project.dir, { env: { MCP_TOKEN: "mcp-secret" } }));
  });

  after(async function () {
    await proc?.kill();
    await project?.remove();
    await search?.stop();
    await legacy?.stop();
  });

  it("registers every server's tools, a clash as <server>__<tool>", async function () {
    const { frames } = await invoke(url, { session_id: "t", message: userMessage("x"), metadata: { mode: "tools" } });
    const names = ((frames[0] as { content: string }).content).split(",");
    expect(names).to.include.members(["echo", "add", "legacy__echo", "legacy__add"]);
  });

  it("streams the tool calls and the servers' results as frames", async function () {
    const { frames } = await invoke(url, { session_id: "r", message: userMessage("echo please"), metadata: { mode: "react" } });
    const messages = frames.slice(0, -1) as Frame[];
    const uses = messages.flatMap((m) => m.content.filter((b) => b.type === "tool_use"));
    const results = messages.flatMap((m) => m.content.filter((b) => b.type === "tool_result"));
    expect(uses.map((b) => b.name)).to.deep.equal(["echo", "legacy__echo"]);
    expect(results.map((b) => [b.name, b.output])).to.deep.equal([
      ["echo", [{ type: "text", text: "hello over MCP" }]],
      ["legacy__echo", [{ type: "text", text: "and over SSE" }]],
    ]);
    const last = messages.at(-1)!;
    expect(last.content.find((b) => b.type === "text")?.text).to.equal("The server echoed it.");
    expect(frames.at(-1)).to.deep.equal(DONE);
  });

  it("sends the configured headers to the server", function () {
    const posts = search.requests.filter((r) => r.method === "POST");
    expect(posts.length).to.be.above(0);
    for (const request of posts) expect(request.headers["authorization"]).to.equal("Bearer mcp-secret");
  });
});

describe("an MCP server that is down at start", function () {
  it("fails `agentscope run`, naming the server and its URL", async function () {
    const down = await McpHttpFixture.start("streamable_http");
    const deadUrl = down.url;
    await down.stop();
    const project = await tempProject(await probeProject(`mcp_servers:\n  search:\n    url: ${deadUrl}\n`));
    try {
      const started = await startServer(project.dir).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(started?.message).to.contain('MCP server "search"').and.to.contain(deadUrl);
    } finally {
      await project.remove();
    }
  });
});

describe("examples/mcp", function () {
  it("runs as it is: its agent calls the stdio MCP server's tool and answers", async function () {
    const dir = path.join(REPO_ROOT, "examples/mcp");
    const sessionId = `mcp-example-test-${process.pid}`;
    const { url, proc } = await startServer(dir);
    try {
      const { frames } = await invoke(url, { session_id: sessionId, message: userMessage("Weather in Berlin tomorrow?") });
      const messages = frames.slice(0, -1) as Frame[];
      const result = messages.flatMap((m) => m.content.filter((b) => b.type === "tool_result"));
      expect(result.map((b) => b.output)).to.deep.equal([[{ type: "text", text: "Tomorrow in Berlin: light rain in the morning, 18 °C." }]]);
      expect(messages.at(-1)!.content.find((b) => b.type === "text")?.text).to.contain("Take an umbrella.");
      expect(frames.at(-1)).to.deep.equal(DONE);
    } finally {
      await proc.kill();
      await rm(new JsonSessionStore(path.join(dir, "sessions")).fileOf(sessionId), { force: true });
      await rmdir(path.join(dir, "sessions")).catch(() => {}); // only if the test left it empty
    }
  });
});
