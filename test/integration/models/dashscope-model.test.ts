import { expect } from "chai";
import type { ProviderModelConfig } from "../../../src/config/index.js";
import { Msg } from "../../../src/message/index.js";
import { DASHSCOPE_BASE_URL, createDashScopeModel } from "../../../src/models/dashscope-model.js";
import { ModelError, type ChatModel, type ChatResponse, type ToolSchema } from "../../../src/models/index.js";
import { startFakeOpenAI } from "../../fixtures/providers/fake-openai.js";
import type { FakeProviderServer } from "../../fixtures/providers/loopback-server.js";
import { failure } from "../../helpers/model-results.js";

const KEY = "sk-fake-dashscope-91b2c3d4";

const WEATHER: ToolSchema = {
  type: "function",
  function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } },
};

const question = new Msg({ name: "user", role: "user", content: "你好" });

describe("dashscope model (its OpenAI-compatible endpoint through the openai SDK)", function () {
  let server: FakeProviderServer;

  before(async function () {
    server = await startFakeOpenAI("/compatible-mode/v1");
  });

  after(async function () {
    await server.close();
  });

  beforeEach(function () {
    server.requests.length = 0;
  });

  function model(overrides: Partial<ProviderModelConfig> = {}): ChatModel {
    return createDashScopeModel("main", {
      provider: "dashscope",
      model: "qwen-plus",
      api_key: KEY,
      base_url: server.baseUrl,
      stream: true,
      generate_kwargs: {},
      client_kwargs: { max_retries: 0 },
      ...overrides,
    });
  }

  it("streams from /compatible-mode/v1 with DashScope's own options in the body and its reasoning as thinking", async function () {
    server.reply({ thinking: "用户在打招呼。", text: "你好！有什么可以帮你？", usage: { input: 14, output: 8 } });
    const m = model({ generate_kwargs: { enable_thinking: true, thinking_budget: 512, temperature: 0.5 } });
    expect(m.provider).to.equal("dashscope");
    const chunks: ChatResponse[] = [];
    for await (const chunk of m.stream([new Msg({ name: "system", role: "system", content: "Be kind." }), question])) chunks.push(chunk);

    const request = server.requests[0]!;
    expect(request.path).to.equal("/compatible-mode/v1/chat/completions");
    expect(request.headers.authorization).to.equal(`Bearer ${KEY}`);
    expect(request.body).to.deep.include({
      model: "qwen-plus",
      enable_thinking: true,
      thinking_budget: 512,
      temperature: 0.5,
      stream: true,
      stream_options: { include_usage: true },
      messages: [
        { role: "system", content: "Be kind." },
        { role: "user", content: "你好" },
      ],
    });
    expect(chunks.length).to.be.greaterThan(2);
    expect(chunks.every((chunk) => chunk.id === chunks[0]!.id)).to.equal(true);
    expect(chunks.at(-1)!.content).to.deep.equal([
      { type: "thinking", thinking: "用户在打招呼。" },
      { type: "text", text: "你好！有什么可以帮你？" },
    ]);
    expect(chunks.at(-1)!.usage).to.include({ inputTokens: 14, outputTokens: 8 });
  });

  it("sends required as auto (DashScope has no required), and auto, none and a tool name as OpenAI does", async function () {
    const m = model();
    for (const choice of ["required", "auto", "none", "get_weather"]) await m.call([question], { tools: [WEATHER], toolChoice: choice });
    expect(server.requests.map((request) => (request.body as { tool_choice?: unknown }).tool_choice)).to.deep.equal([
      "auto",
      "auto",
      "none",
      { type: "function", function: { name: "get_weather" } },
    ]);
  });

  it("assembles streamed tool calls into tool_use blocks", async function () {
    server.reply({ toolCalls: [{ id: "call_q", name: "get_weather", arguments: '{"city": "杭州"}' }], chunkChars: 2 });
    const reply = await model().call([question], { tools: [WEATHER] });
    expect(reply.content).to.deep.equal([{ type: "tool_use", id: "call_q", name: "get_weather", input: { city: "杭州" } }]);
  });

  it("talks to DashScope's compatible-mode endpoint when no base_url is configured", async function () {
    const urls: string[] = [];
    // The SDK's own fetch option, which only redirects the request to the fake after noting where it was going.
    const fetchVia = (url: string | URL | Request, init?: RequestInit): Promise<Response> => {
      urls.push(String(url));
      return fetch(String(url).replace(DASHSCOPE_BASE_URL, server.baseUrl), init);
    };
    await model({ base_url: undefined, client_kwargs: { max_retries: 0, fetch: fetchVia } }).call([question]);
    expect(urls).to.deep.equal(["https://dashscope.aliyuncs.com/compatible-mode/v1/chat/completions"]);
  });

  it("takes the key from DASHSCOPE_API_KEY, never from OPENAI_API_KEY", async function () {
    const saved = { dashscope: process.env.DASHSCOPE_API_KEY, openai: process.env.OPENAI_API_KEY };
    process.env.DASHSCOPE_API_KEY = "sk-dashscope-env-1a2b3c";
    process.env.OPENAI_API_KEY = "sk-openai-env-4d5e6f";
    try {
      await model({ api_key: undefined }).call([question]);
    } finally {
      restore("DASHSCOPE_API_KEY", saved.dashscope);
      restore("OPENAI_API_KEY", saved.openai);
    }
    expect(server.requests[0]!.headers.authorization).to.equal("Bearer sk-dashscope-env-1a2b3c");
  });

  it("fails as a dashscope ModelError with the status and without the key", async function () {
    server.reply({ error: { status: 401, message: `Incorrect API key provided: ${KEY}` } }, { error: { status: 429, message: "Requests rate limit exceeded" } });
    const unauthorized = await failure(model().call([question]));
    const limited = await failure(model({ stream: false }).call([question]));
    expect(unauthorized).to.be.instanceOf(ModelError);
    expect(unauthorized).to.include({ provider: "dashscope", model: "qwen-plus", status: 401, retryable: false });
    expect((unauthorized as ModelError).message).to.match(/^dashscope model qwen-plus: /).and.not.include(KEY);
    expect(String((unauthorized as ModelError).cause)).not.to.include(KEY);
    expect(limited).to.be.instanceOf(ModelError);
    expect(limited).to.include({ provider: "dashscope", status: 429, retryable: true });
  });
});

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

