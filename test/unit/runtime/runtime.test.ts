import { expect } from "chai";
import { parseConfig } from "../../../src/config/index.js";
import { AppLoadError, RuntimeUsageError } from "../../../src/errors.js";
import type { ScriptedModel } from "../../../src/models/index.js";
import { runtime } from "../../../src/runtime/index.js";
import { tempProject, type TempProject } from "../../helpers/temp-project.js";

// Mocha require()s a spec file when it can (Node 20.19 has require(esm)), and
// tsx then runs it as CommonJS, where the module hooks that resolve an App's
// "agentscope" import do not apply. A top-level await keeps this file ESM.
await Promise.resolve();

const config = parseConfig({ models: { main: { provider: "scripted", script: [{ text: "hi" }] } } }, { file: "agentapp.yaml" }).config;

/** An App that records, on globalThis, what it saw of the runtime at each hook. */
const RECORDING_APP = `
import { AgentApp, Msg, runtime } from "agentscope";
const seen = ((globalThis as any).__runtimeTest ??= { events: [] as string[] });
export class App extends AgentApp {
  override async onStartup() {
    seen.model = runtime.models.main;
    seen.events.push("startup:" + runtime.models.keys().join(","));
    if (process.env.FAIL_STARTUP === "1") throw new Error("startup failed on purpose");
  }
  override async onShutdown() {
    const reply = await runtime.models.main.call([new Msg({ name: "u", role: "user", content: "bye" })]);
    seen.events.push("shutdown:model-still-open:" + (reply.content.length > 0));
  }
  async *call() {}
}
`;

interface Seen {
  events: string[];
  model?: ScriptedModel;
}

function seen(): Seen {
  return (globalThis as { __runtimeTest?: Seen }).__runtimeTest!;
}

// The App imports this thread's `runtime` from "agentscope": these tests drive that same instance.
describe("Runtime", function () {
  let project: TempProject;

  beforeEach(async function () {
    // A fresh module path per test: the module cache would otherwise keep the first App.
    project = await tempProject({ "app.ts": RECORDING_APP });
    (globalThis as { __runtimeTest?: Seen }).__runtimeTest = { events: [] };
  });

  afterEach(async function () {
    delete process.env["FAIL_STARTUP"];
    await runtime.shutdown();
    await project.remove();
  });

  it("initializes models before onStartup(), and shuts down onShutdown() first, then the models", async function () {
    await runtime.initialize({ projectDir: project.dir, config });
    expect(runtime.initialized).to.equal(true);
    expect(seen().events).to.deep.equal(["startup:main"]);
    await runtime.shutdown();
    expect(seen().events).to.deep.equal(["startup:main", "shutdown:model-still-open:true"]);
    expect(seen().model!.closed).to.equal(true);
    expect(runtime.initialized).to.equal(false);
    await runtime.shutdown(); // idempotent
  });

  it("reports every model call of the App to onModelCall listeners", async function () {
    await runtime.initialize({ projectDir: project.dir, config });
    const reports: Array<{ slot: string; outcome: string }> = [];
    const unsubscribe = runtime.onModelCall((report) => reports.push(report));
    await runtime.models.get("main").call([]);
    unsubscribe();
    await runtime.models.get("main").call([]);
    expect(reports).to.have.length(1);
    expect(reports[0]).to.include({ slot: "main", outcome: "ok" });
  });

  it("closes what it opened when a step fails half way, naming the step", async function () {
    process.env["FAIL_STARTUP"] = "1";
    const error = await runtime.initialize({ projectDir: project.dir, config }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(AppLoadError);
    expect((error as Error).message).to.equal("runtime failed while running App.onStartup(): startup failed on purpose");
    expect(seen().model!.closed).to.equal(true);
    expect(runtime.initialized).to.equal(false);
    expect(() => runtime.models).to.throw(RuntimeUsageError, /not initialized/);
  });

  it("names a missing app file and leaves nothing open", async function () {
    const error = await runtime.initialize({ projectDir: project.dir, config: { ...config, app: "./missing.ts" } }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as Error).message).to.match(/^runtime failed while loading the app: app: .*missing\.ts does not exist$/);
    expect(runtime.initialized).to.equal(false);
  });

  it("prints its config with secrets redacted", async function () {
    const secret = parseConfig(
      { models: { main: { provider: "scripted", api_key: "sk-very-secret", script: [{ text: "hi" }] } } },
      { file: "agentapp.yaml" },
    ).config;
    await runtime.initialize({ projectDir: project.dir, config: secret });
    try {
      expect(JSON.stringify(runtime.config)).not.to.contain("sk-very-secret");
      expect(runtime.config.models["main"]!.api_key).to.equal("sk-very-secret");
    } finally {
      await runtime.shutdown();
    }
  });
});
