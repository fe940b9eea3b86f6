import { expect } from "chai";
import { parseConfig } from "../../src/config/index.js";
import { runtime } from "../../src/runtime/index.js";
import { McpHttpFixture, type SeenRequest } from "../fixtures/mcp/http-servers.js";
import { tempProject, type TempProject } from "../helpers/temp-project.js";

// Mocha require()s a spec file when it can, and tsx then runs it as CommonJS,
// where the hooks that resolve an App's "agentscope" import do not apply.
await Promise.resolve();

const APP = `
import { AgentApp } from "agentscope";
export class App extends AgentApp { async *call() {} }
`;

describe("Runtime with MCP servers", function () {
  let first: McpHttpFixture;
  let second: McpHttpFixture;
  let project: TempProject;
  /** "first" / "second" for each session-closing DELETE, in the order they arrived. */
  const closed: string[] = [];

  before(async function () {
    first = await McpHttpFixture.start("streamable_http");
    second = await McpHttpFixture.start("streamable_http");
    for (const [label, fixture] of [["first", first], ["second", second]] as const) {
      const push = fixture.requests.push.bind(fixture.requests);
      fixture.requests.push = (...seen: SeenRequest[]) => {
        for (const request of seen) if (request.method === "DELETE") closed.push(label);
        return push(...seen);
      };
    }
    project = await tempProject({ "app.ts": APP });
  });

  after(async function () {
    await runtime.shutdown();
    await first.stop();
    await second.stop();
    await project.remove();
  });

  it("connects servers in config order, registers their tools, and closes them in reverse", async function () {
    const { config } = parseConfig(
      { mcp_servers: { first: { url: first.url }, second: { url: second.url } }, session: { backend: "memory" } },
      { file: "agentapp.yaml" },
    );
    await runtime.initialize({ projectDir: project.dir, config });
    expect(runtime.tools.names()).to.include.members(["echo", "second__echo"]);
    const result = await runtime.tools.callTool({ type: "tool_use", id: "1", name: "second__echo", input: { text: "hi" } });
    expect(result.output).to.deep.equal([{ type: "text", text: "hi" }]);
    await runtime.shutdown();
    expect(closed).to.deep.equal(["second", "first"]);
  });
});
