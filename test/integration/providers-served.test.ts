import { expect } from "chai";
import path from "node:path";
import { REPO_ROOT, startServer, type AgentscopeProcess } from "../helpers/agentscope-process.js";
import { probeProject } from "../helpers/fixtures.js";
import { DONE, invoke, userMessage } from "../helpers/http-client.js";
import { tempProject, type TempProject } from "../helpers/temp-project.js";
import { startFakeAnthropic } from "../fixtures/providers/fake-anthropic.js";
import { startFakeGemini } from "../fixtures/providers/fake-gemini.js";
import { startFakeOllama } from "../fixtures/providers/fake-ollama.js";
import { startFakeOpenAI } from "../fixtures/providers/fake-openai.js";
import type { FakeProviderServer } from "../fixtures/providers/loopback-server.js";

const CONFIG = `
models:
  openai:
    provider: openai
    model: gpt-test
    api_key: \${TEST_KEY}
    base_url: \${OPENAI_URL}
  anthropic:
    provider: anthropic
    model: claude-test
    api_key: \${TEST_KEY}
    base_url: \${ANTHROPIC_URL}
  dashscope:
    provider: dashscope
    model: qwen-test
    api_key: \${TEST_KEY}
    base_url: \${DASHSCOPE_URL}
  gemini:
    provider: gemini
    model: gemini-test
    api_key: \${TEST_KEY}
    base_url: \${GEMINI_URL}
  ollama:
    provider: ollama
    model: llama-test
    base_url: \${OLLAMA_URL}
server:
  workers: 2
`;

type Frame = { id: string; content: Array<{ type: string; text?: string }> };

describe("every provider served through `agentscope run`", function () {
  const fakes: Record<string, FakeProviderServer> = {};
  let project: TempProject;
  let url: string;
  let proc: AgentscopeProcess;

  before(async function () {
    fakes["openai"] = await startFakeOpenAI();
    fakes["anthropic"] = await startFakeAnthropic();
    fakes["dashscope"] = await startFakeOpenAI("/compatible-mode/v1");
    fakes["gemini"] = await startFakeGemini();
    fakes["ollama"] = await startFakeOllama();
    project = await tempProject(await probeProject(CONFIG));
    ({ url, proc } = await startServer(project.dir, {
      env: {
        TEST_KEY: "sk-integration-secret",
        OPENAI_URL: fakes["openai"].baseUrl,
        ANTHROPIC_URL: fakes["anthropic"].baseUrl,
        DASHSCOPE_URL: fakes["dashscope"].baseUrl,
        GEMINI_URL: fakes["gemini"].baseUrl,
        OLLAMA_URL: fakes["ollama"].baseUrl,
      },
    }));
  });

  after(async function () {
    await proc?.kill();
    await project?.remove();
    await Promise.all(Object.values(fakes).map((fake) => fake.close()));
  });

  for (const slot of ["openai", "anthropic", "dashscope", "gemini", "ollama"]) {
    it(`streams the ${slot} slot's reply chunk by chunk`, async function () {
      const fake = fakes[slot]!;
      const before = fake.requests.length;
      fake.reply({ text: `Hello from the ${slot} fake.`, usage: { input: 5, output: 7 }, chunkChars: 4 });
      const { status, frames } = await invoke(url, { session_id: slot, message: userMessage("hi"), metadata: { mode: "model", slot } });
      expect(status).to.equal(200);
      const chunks = frames.slice(0, -1) as Frame[];
      expect(chunks.length).to.be.above(2);
      expect(new Set(chunks.map((c) => c.id)).size).to.equal(1);
      const texts = chunks.map((c) => c.content.find((b) => b.type === "text")?.text ?? "");
      expect(texts.at(-1)).to.equal(`Hello from the ${slot} fake.`);
      for (let i = 1; i < texts.length; i++) expect(texts[i]!.startsWith(texts[i - 1]!)).to.equal(true);
      expect(frames.at(-1)).to.deep.equal(DONE);
      expect(fake.requests.length).to.equal(before + 1);
    });
  }

  it("never prints the API key", function () {
    expect(proc.stdout + proc.stderr).not.to.contain("sk-integration-secret");
  });
});

describe("the provider examples run as they are", function () {
  const examples: Array<[string, () => Promise<FakeProviderServer>, (fake: FakeProviderServer) => NodeJS.ProcessEnv]> = [
    ["openai", () => startFakeOpenAI(), (fake) => ({ OPENAI_API_KEY: "sk-example", OPENAI_BASE_URL: fake.baseUrl })],
    ["ollama", () => startFakeOllama(), (fake) => ({ OLLAMA_HOST: fake.baseUrl })],
  ];
  for (const [name, startFake, env] of examples) {
    it(`examples/${name} streams its model's answer`, async function () {
      const fake = await startFake();
      const { url, proc } = await startServer(path.join(REPO_ROOT, "examples", name), { env: env(fake) });
      try {
        fake.reply({ text: `An answer through examples/${name}.` });
        const { frames } = await invoke(url, { session_id: "example", message: userMessage("hello") });
        const last = frames.at(-2) as Frame;
        expect(last.content.find((b) => b.type === "text")?.text).to.equal(`An answer through examples/${name}.`);
        expect(frames.at(-1)).to.deep.equal(DONE);
        const sent = JSON.stringify(fake.requests[0]!.body);
        expect(sent).to.contain("hello");
      } finally {
        await proc.kill();
        await fake.close();
      }
    });
  }
});
