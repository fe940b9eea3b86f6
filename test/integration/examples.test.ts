import { expect } from "chai";
import { rm, rmdir } from "node:fs/promises";
import path from "node:path";
import { JsonSessionStore } from "../../src/session/index.js";
import { REPO_ROOT, startServer } from "../helpers/agentscope-process.js";
import { DONE, invoke, userMessage } from "../helpers/http-client.js";

type Frame = { name: string; content: Array<{ type: string; text?: string; name?: string; output?: unknown }> };

describe("examples/multi-agent", function () {
  it("streams the planner's plan, then the executor's tool call, its result and the answer", async function () {
    const dir = path.join(REPO_ROOT, "examples/multi-agent");
    const sessionId = `multi-agent-test-${process.pid}`;
    const { url, proc } = await startServer(dir);
    try {
      const { frames } = await invoke(url, { session_id: sessionId, message: userMessage("What do I pay for 17 items at 23 each plus a 15 tip?") });
      const messages = frames.slice(0, -1) as Frame[];
      const speakers = [...new Set(messages.map((m) => m.name).filter((name) => name !== "system"))];
      expect(speakers).to.deep.equal(["planner", "executor"]);
      const plan = messages.filter((m) => m.name === "planner").at(-1)!;
      expect(plan.content[0]!.text).to.contain("3. Report the total.");
      const result = messages.flatMap((m) => m.content.filter((b) => b.type === "tool_result"));
      expect(result.map((b) => [b.name, b.output])).to.deep.equal([["calculate", "406"]]);
      expect(messages.at(-1)!.content[0]!.text).to.equal("The total is 406.");
      expect(frames.at(-1)).to.deep.equal(DONE);
    } finally {
      await proc.kill();
      await rm(new JsonSessionStore(path.join(dir, "sessions")).fileOf(sessionId), { force: true });
      await rmdir(path.join(dir, "sessions")).catch(() => {}); // only if the test left it empty
    }
  });
});
