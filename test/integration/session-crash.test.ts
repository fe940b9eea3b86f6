import { expect } from "chai";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { JsonSessionStore } from "../../src/session/index.js";
import { REPO_ROOT } from "../helpers/agentscope-process.js";

describe("a JSON session write killed half way", function () {
  let dir: string;

  before(async function () {
    dir = await mkdtemp(path.join(os.tmpdir(), "agentscope-crash-"));
  });

  after(async function () {
    await rm(dir, { recursive: true, force: true });
  });

  it("leaves the last complete state readable", async function () {
    const writer = spawn(process.execPath, ["--import", "tsx", path.join(REPO_ROOT, "test/fixtures/session-writer.ts"), dir], {
      cwd: REPO_ROOT,
      stdio: ["ignore", "pipe", "inherit"],
    });
    const exited = once(writer, "exit");
    let lastWritten = 0;
    // Killed mid-way through a later write: the third has completed, the fourth is under way.
    for await (const line of createInterface({ input: writer.stdout! })) {
      lastWritten = Number(line.split(" ")[1]);
      if (lastWritten === 3) {
        writer.kill("SIGKILL");
        break;
      }
    }
    await exited;
    const state = await new JsonSessionStore(dir).get("big");
    expect(state).to.be.an("object");
    expect(state!["version"]).to.be.at.least(3);
    expect((state!["padding"] as string).length).to.equal(4 * 1024 * 1024);
  });
});
