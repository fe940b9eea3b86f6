import { expect } from "chai";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { startServer, type AgentscopeProcess } from "../helpers/agentscope-process.js";
import { fixtureApp, probeProject } from "../helpers/fixtures.js";
import { DONE, httpRequest, invoke, openStream, userMessage } from "../helpers/http-client.js";
import { tempProject, type TempProject } from "../helpers/temp-project.js";
import { waitForFile } from "../helpers/wait-for-file.js";

const CONFIG = `
models:
  main:
    provider: scripted
    chunk_chars: 5
    script:
      - text: "scripted answer"
server:
  workers: 2
  body_limit: 2kb
`;

describe("POST /invoke through `agentscope run`", function () {
  let project: TempProject;
  let url: string;
  let proc: AgentscopeProcess;

  before(async function () {
    project = await tempProject(await probeProject(CONFIG));
    ({ url, proc } = await startServer(project.dir));
  });

  after(async function () {
    await proc?.kill();
    await project?.remove();
  });

  const body = (mode: string, extra: Record<string, unknown> = {}) => ({
    session_id: "s1",
    message: userMessage("hi"),
    metadata: { mode, ...extra },
  });

  it("streams one frame per yielded message, byte for byte, then the done frame", async function () {
    const result = await invoke(url, body("echo"));
    expect(result.status).to.equal(200);
    expect(result.headers["content-type"]).to.equal("text/event-stream");
    expect(result.headers["cache-control"]).to.equal("no-cache");
    expect(result.headers["connection"]).to.equal("keep-alive");
    expect(result.headers["x-accel-buffering"]).to.equal("no");

    const frames = result.frames as Array<Record<string, unknown>>;
    expect(frames).to.have.length(4);
    expect(frames.slice(0, 3).map((f) => f["content"])).to.deep.equal(["hi 1", "hi 2", "hi 3"]);
    for (const frame of frames.slice(0, 3)) {
      expect(frame).to.have.all.keys("id", "name", "role", "content", "metadata", "timestamp");
      expect(frame["timestamp"]).to.match(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/);
    }
    // Exact bytes: each frame is `data: <json>\n\n`, the done frame last.
    const expected = frames.slice(0, 3).map((f) => `data: ${JSON.stringify(f)}\n\n`).join("") +
      'data: {"name":"assistant","role":"assistant","content":"","metadata":{"done":true}}\n\n';
    expect(result.text).to.equal(expected);
  });

  it("streams a model's cumulative chunks under one message id", async function () {
    const { frames } = await invoke(url, body("model"));
    const chunks = frames.slice(0, -1) as Array<{ id: string; content: Array<{ text: string }> }>;
    expect(chunks.map((c) => c.content[0]!.text)).to.deep.equal(["scrip", "scripted a", "scripted answer"]);
    expect(new Set(chunks.map((c) => c.id)).size).to.equal(1);
    expect(frames.at(-1)).to.deep.equal(DONE);
  });

  it("turns an App's exception into an APP_ERROR frame, then the done frame", async function () {
    const { status, frames } = await invoke(url, body("throw"));
    expect(status).to.equal(200);
    expect(frames).to.have.length(3);
    expect(frames[0]).to.include({ content: "before the failure" });
    expect(frames[1]).to.deep.equal({ error: { code: "APP_ERROR", message: "the app failed on purpose" } });
    expect(frames[2]).to.deep.equal(DONE);
  });

  it("reports a yielded value that is not a Msg as APP_ERROR naming it", async function () {
    const { frames } = await invoke(url, body("bad-yield"));
    const error = (frames[0] as { error: { code: string; message: string } }).error;
    expect(error.code).to.equal("APP_ERROR");
    expect(error.message).to.contain("yielded message");
    expect(frames[1]).to.deep.equal(DONE);
  });

  describe("bad requests get a 4xx in the one error shape, naming the field", function () {
    const cases: Array<[string, unknown, string]> = [
      ["invalid JSON", "{not json", "body"],
      ["a JSON array", [], "body"],
      ["no session_id", { message: userMessage("x") }, "session_id"],
      ["an empty session_id", { session_id: "", message: userMessage("x") }, "session_id"],
      ["a numeric session_id", { session_id: 7, message: userMessage("x") }, "session_id"],
      ["no message", { session_id: "s" }, "message"],
      ["a message without role", { session_id: "s", message: { name: "u", content: "x" } }, "message.role"],
      ["an unknown role", { session_id: "s", message: { name: "u", role: "robot", content: "x" } }, "message.role"],
      [
        "a malformed block",
        { session_id: "s", message: { name: "u", role: "user", content: [{ type: "tool_use", id: "1", name: "t", input: 3 }] } },
        "message.content[0].input",
      ],
      ["metadata that is not an object", { session_id: "s", message: userMessage("x"), metadata: [1] }, "metadata"],
    ];
    for (const [what, payload, field] of cases) {
      it(`400 for ${what}`, async function () {
        const result = await httpRequest(url, { path: "/invoke", body: payload });
        expect(result.status).to.equal(400);
        expect(result.headers["content-type"]).to.match(/^application\/json/);
        const { error } = JSON.parse(result.text) as { error: { code: string; message: string } };
        expect(error.code).to.equal("INVALID_REQUEST");
        expect(error.message).to.contain(field);
      });
    }

    it("413 for a body over server.body_limit", async function () {
      const result = await httpRequest(url, { path: "/invoke", body: { session_id: "s", message: userMessage("x".repeat(4096)) } });
      expect(result.status).to.equal(413);
      expect(JSON.parse(result.text)).to.have.nested.property("error.code", "PAYLOAD_TOO_LARGE");
    });

    it("404 for an unknown route and 405 for GET /invoke, in the same shape", async function () {
      const missing = await httpRequest(url, { path: "/nope" });
      expect(missing.status).to.equal(404);
      expect(JSON.parse(missing.text)).to.have.nested.property("error.code", "NOT_FOUND");
      const wrongMethod = await httpRequest(url, { path: "/invoke" });
      expect(wrongMethod.status).to.equal(405);
      expect(JSON.parse(wrongMethod.text)).to.have.nested.property("error.code", "METHOD_NOT_ALLOWED");
    });
  });

  it("closes the App's generator and fires ctx.signal when the client goes away, and the worker survives", async function () {
    const marker = path.join(project.dir, "disconnect-marker.json");
    const markerWritten = waitForFile(marker);
    const stream = openStream(url, { session_id: "gone", message: userMessage("x"), metadata: { mode: "slow", marker } });
    const first = (await stream.next()) as { metadata: { threadId: number } };
    await stream.next();
    stream.close();
    await markerWritten;
    const seen = JSON.parse(await readFile(marker, "utf8")) as { aborted: boolean; threadId: number };
    expect(seen.aborted).to.equal(true);
    expect(seen.threadId).to.equal(first.metadata.threadId);

    // The thread that ran the cancelled stream is still alive and serving.
    const threads = new Set<number>();
    for (let i = 0; i < 20 && !threads.has(seen.threadId); i++) {
      const { frames } = await invoke(url, body("thread"));
      threads.add((frames[0] as { metadata: { threadId: number } }).metadata.threadId);
    }
    expect(threads).to.include(seen.threadId);
    expect(proc.logs.filter((l) => l.msg === "a worker crashed")).to.be.empty;
  });

  it("completes 50 concurrent streams on 2 workers, each in full", async function () {
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        invoke(url, { session_id: `c${i}`, message: userMessage(`m${i}`), metadata: { mode: "slow", count: 5, delay_ms: 10 } }),
      ),
    );
    const threads = new Set<number>();
    for (const { status, frames } of results) {
      expect(status).to.equal(200);
      expect(frames).to.have.length(6);
      expect(frames.slice(0, 5).map((f) => (f as { content: string }).content)).to.deep.equal(["tick 0", "tick 1", "tick 2", "tick 3", "tick 4"]);
      expect(frames[5]).to.deep.equal(DONE);
      for (const f of frames.slice(0, 5)) threads.add((f as { metadata: { threadId: number } }).metadata.threadId);
    }
    expect(threads.size).to.equal(2);
  });

  it("sends a `: ping` comment every 15 s while a stream is quiet", async function () {
    this.timeout(60_000);
    // Two messages 16 s apart: at least one ping falls between them.
    const { text, frames } = await invoke(url, body("slow", { count: 2, delay_ms: 16_000 }));
    expect(frames).to.have.length(3);
    const first = text.indexOf("tick 0");
    const second = text.indexOf("tick 1");
    const ping = text.indexOf(": ping\n\n", first);
    expect(ping).to.be.above(first).and.below(second);
  });

  it("reports health with a real uptime, the generation and the workers", async function () {
    const first = JSON.parse((await httpRequest(url, { path: "/health" })).text) as Record<string, unknown>;
    expect(first).to.include({ status: "healthy", instance_id: null, generation: 1, workers: 2 });
    expect(first["uptime"]).to.be.a("number").above(0);
    // Uptime grows between two calls separated by real work.
    await invoke(url, body("slow", { count: 2, delay_ms: 20 }));
    const second = JSON.parse((await httpRequest(url, { path: "/health" })).text) as { uptime: number };
    expect(second.uptime).to.be.above(first["uptime"] as number);
    const ready = await httpRequest(url, { path: "/ready" });
    expect(ready.status).to.equal(200);
  });

});

describe("stopping `agentscope run`", function () {
  it("exits 0 on SIGTERM after shutting its workers down", async function () {
    const project = await tempProject(await probeProject(""));
    const { proc } = await startServer(project.dir);
    try {
      const code = await proc.stop("SIGTERM");
      expect(code).to.equal(0);
      expect(proc.logs.map((l) => l.msg)).to.include.members(["generation closed", "stopped"]);
      expect(proc.logs.filter((l) => l.msg === "workers did not stop in time")).to.be.empty;
    } finally {
      await proc.kill();
      await project.remove();
    }
  });
});

describe("bearer token on /invoke", function () {
  it("answers 401 UNAUTHORIZED without the server.auth_token, and streams with it", async function () {
    const project = await tempProject(await probeProject("server:\n  auth_token: ${INVOKE_TOKEN}\n"));
    const { url, proc } = await startServer(project.dir, { env: { INVOKE_TOKEN: "s3cret-token" } });
    try {
      const payload = { session_id: "s", message: userMessage("x") };
      const none = await httpRequest(url, { path: "/invoke", body: payload });
      expect(none.status).to.equal(401);
      expect(JSON.parse(none.text)).to.have.nested.property("error.code", "UNAUTHORIZED");
      const wrong = await httpRequest(url, { path: "/invoke", body: payload, headers: { Authorization: "Bearer nope" } });
      expect(wrong.status).to.equal(401);
      expect(wrong.text).not.to.contain("s3cret-token");
      const right = await invoke(url, payload, { Authorization: "Bearer s3cret-token" });
      expect(right.status).to.equal(200);
      expect(right.frames).to.have.length(4);
    } finally {
      await proc.kill();
      await project.remove();
    }
  });
});
