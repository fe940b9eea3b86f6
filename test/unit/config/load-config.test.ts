import { expect } from "chai";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../../src/config/index.js";
import { ConfigError } from "../../../src/errors.js";

/** The problems of the ConfigError that `promise` rejects with. */
async function rejection(promise: Promise<unknown>): Promise<readonly string[]> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error("expected a ConfigError, but the config loaded");
}

describe("config: loadConfig", () => {
  let projectDir: string;
  let file: string;

  beforeEach(async () => {
    projectDir = await mkdtemp(join(tmpdir(), "agentscope-config-"));
    file = join(projectDir, "agentapp.yaml");
  });

  afterEach(async () => {
    await rm(projectDir, { recursive: true, force: true });
  });

  it("reads agentapp.yaml in the project folder, expanding variables", async () => {
    await writeFile(file, "server:\n  port: ${PORT:-8080}\n  host: 127.0.0.1\nmodels:\n  main:\n    provider: openai\n    model: gpt-4o-mini\n    api_key: ${KEY}\n");
    const loaded = await loadConfig({ projectDir, env: { PORT: "9123", KEY: "sk-test" } });
    expect(loaded.file).to.equal(file);
    expect(loaded.warnings).to.deep.equal([]);
    expect(loaded.config.server).to.include({ port: 9123, host: "127.0.0.1" });
    expect(loaded.config.models["main"]?.api_key).to.equal("sk-test");
  });

  it("looks variables up in process.env by default", async () => {
    const name = `AGENTSCOPE_TEST_INSTANCE_${process.pid}`;
    process.env[name] = "i-from-env";
    try {
      await writeFile(file, `platform:\n  instance_id: \${${name}}\n`);
      const loaded = await loadConfig({ projectDir });
      expect(loaded.config.platform.instance_id).to.equal("i-from-env");
    } finally {
      delete process.env[name];
    }
  });

  it("resolves configPath against the project folder", async () => {
    await mkdir(join(projectDir, "conf"));
    const other = join(projectDir, "conf", "prod.yaml");
    await writeFile(other, "server:\n  workers: 3\n");
    const loaded = await loadConfig({ projectDir, configPath: "conf/prod.yaml", env: {} });
    expect(loaded.file).to.equal(other);
    expect(loaded.config.server.workers).to.equal(3);
  });

  it("returns the unknown-key warnings with the file's name", async () => {
    await writeFile(file, "server:\n  threads: 2\n");
    const loaded = await loadConfig({ projectDir, env: {} });
    expect(loaded.warnings).to.deep.equal([`${file}: server.threads: unknown key, ignored`]);
  });

  it("reports a missing file", async () => {
    expect(await rejection(loadConfig({ projectDir, env: {} }))).to.deep.equal([`${file}: file not found`]);
    const missing = join(projectDir, "nope.yaml");
    expect(await rejection(loadConfig({ projectDir, configPath: "nope.yaml", env: {} }))).to.deep.equal([`${missing}: file not found`]);
  });

  it("reports a YAML syntax error with its line and column", async () => {
    await writeFile(file, "server:\n  port: 8080\n  port: 9090\n");
    expect(await rejection(loadConfig({ projectDir, env: {} }))).to.deep.equal([`${file}: line 3, column 3: Map keys must be unique`]);
  });

  it("reports an unclosed quote on the line where the file ends", async () => {
    await writeFile(file, 'app: "app.ts\n');
    const [problem, ...rest] = await rejection(loadConfig({ projectDir, env: {} }));
    expect(rest).to.deep.equal([]);
    expect(problem).to.match(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: line 2, column 1: Missing closing "quote$`));
  });

  it("leaves the offending source line out of a syntax error, as it may hold a secret", async () => {
    await writeFile(file, "models:\n  main:\n    api_key: sk-live-SECRET: x\n");
    const problems = await rejection(loadConfig({ projectDir, env: {} }));
    expect(problems).to.deep.equal([`${file}: line 3, column 14: Nested mappings are not allowed in compact mappings`]);
    expect(problems.join("\n")).not.to.include("SECRET");
  });

  it("treats an empty file, or one with only comments, as an empty config", async () => {
    for (const text of ["", "# nothing configured yet\n"]) {
      await writeFile(file, text);
      const loaded = await loadConfig({ projectDir, env: {} });
      expect(loaded.config.models).to.deep.equal({});
      expect(loaded.config.server.port).to.equal(8080);
    }
  });

  it("needs the top level to be a mapping", async () => {
    await writeFile(file, "- openai\n- anthropic\n");
    expect(await rejection(loadConfig({ projectDir, env: {} }))).to.deep.equal([`${file}: top level must be a mapping`]);
  });

  it("reports schema problems with the file's path", async () => {
    await writeFile(file, "models:\n  main:\n    provider: mistral\n    model: m\n");
    expect(await rejection(loadConfig({ projectDir, env: {} }))).to.deep.equal([
      `${file}: models.main.provider: must be one of openai, anthropic, dashscope, gemini, ollama, scripted`,
    ]);
  });

  it("reports an alias that contains itself instead of looping", async () => {
    await writeFile(file, "models:\n  main:\n    provider: openai\n    model: m\n    api_key: k\n    generate_kwargs: &loop\n      again: *loop\n");
    expect(await rejection(loadConfig({ projectDir, env: {} }))).to.deep.equal([
      `${file}: models.main.generate_kwargs.again: must not contain itself (YAML alias cycle)`,
    ]);
  });

  it("stops at an aborted signal", async () => {
    await writeFile(file, "server:\n  port: 1\n");
    const controller = new AbortController();
    controller.abort();
    try {
      await loadConfig({ projectDir, env: {}, signal: controller.signal });
      expect.fail("loadConfig ignored the aborted signal");
    } catch (error) {
      expect(error).not.to.be.instanceOf(ConfigError);
      expect((error as Error).name).to.equal("AbortError");
    }
  });
});
