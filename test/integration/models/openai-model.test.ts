import { expect } from "chai";
import type { ProviderModelConfig } from "../../../src/config/index.js";
import { Msg } from "../../../src/message/index.js";
import { ModelError, type ChatModel, type ChatResponse, type ToolSchema } from "../../../src/models/index.js";
import { createOpenAIModel } from "../../../src/models/openai-model.js";
import { startFakeOpenAI } from "../../fixtures/providers/fake-openai.js";
import type { FakeProviderServer, RecordedRequest } from "../../fixtures/providers/loopback-server.js";
import { collect, failure, textOf } from "../../helpers/model-results.js";

const KEY = "sk-fake-openai-7f3a9c21d4";

const WEATHER: ToolSchema = {
  type: "function",
  function: { name: "get_weather", description: "Weather for a city", parameters: { type: "object", properties: { city: { type: "string" } } } },
};

const question = new Msg({ name: "user", role: "user", content: "Hi?" });

describe("openai model (Chat Completions through the openai SDK)", function () {
  let server: FakeProviderServer;

  before(async function () {
    server = await startFakeOpenAI();
  });

  after(async function () {
    await server.close();
  });

  beforeEach(function () {
    server.requests.length = 0;
  });

  function model(overrides: Partial<ProviderModelConfig> = {}): ChatModel {
    return createOpenAIModel("main", {
      provider: "openai",
      model: "gpt-4o-mini",
      api_key: KEY,
      base_url: server.baseUrl,
      stream: true,
      generate_kwargs: {},
      client_kwargs: { max_retries: 0 },
      ...overrides,
    });
  }

  function sent(index = 0): Record<string, unknown> {
    const request: RecordedRequest | undefined = server.requests[index];
    expect(request, `request #${index}`).not.to.equal(undefined);
    return request!.body as Record<string, unknown>;
  }

  it("sends the system prompt, history, a tool round and images as Chat Completions messages", async function () {
    const msgs = [
      new Msg({ name: "system", role: "system", content: "You are terse." }),
      new Msg({
        name: "user",
        role: "user",
        content: [
          { type: "text", text: "What is in these?" },
          { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
          { type: "image", source: { type: "url", url: "https://example.com/cat.jpg" } },
        ],
      }),
      new Msg({
        name: "assistant",
        role: "assistant",
        content: [
          { type: "thinking", thinking: "They want the weather." },
          { type: "text", text: "Let me check." },
          { type: "tool_use", id: "call_1", name: "get_weather", input: { city: "Paris" } },
        ],
      }),
      new Msg({ name: "system", role: "system", content: [{ type: "tool_result", id: "call_1", name: "get_weather", output: [{ type: "text", text: "sunny" }] }] }),
      new Msg({ name: "user", role: "user", content: "Thanks" }),
    ];
    await model({ generate_kwargs: { temperature: 0.2, max_tokens: 64 } }).call(msgs, { tools: [WEATHER], toolChoice: "get_weather" });

    const request = server.requests[0]!;
    expect(request.method).to.equal("POST");
    expect(request.path).to.equal("/v1/chat/completions");
    expect(request.headers.authorization).to.equal(`Bearer ${KEY}`);
    expect(sent()).to.deep.include({
      model: "gpt-4o-mini",
      temperature: 0.2,
      max_tokens: 64,
      stream: true,
      stream_options: { include_usage: true },
      tools: [WEATHER],
      tool_choice: { type: "function", function: { name: "get_weather" } },
    });
    expect(sent().messages).to.deep.equal([
      { role: "system", content: "You are terse." },
      {
        role: "user",
        content: [
          { type: "text", text: "What is in these?" },
          { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
          { type: "image_url", image_url: { url: "https://example.com/cat.jpg" } },
        ],
      },
      {
        role: "assistant",
        content: "Let me check.",
        tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }],
      },
      { role: "tool", tool_call_id: "call_1", content: "sunny" },
      { role: "user", content: "Thanks" },
    ]);
  });

  it("sends malformed tool arguments back as written, and images a tool returned in a user message after the tool messages", async function () {
    const msgs = [
      new Msg({
        name: "assistant",
        role: "assistant",
        content: [
          { type: "tool_use", id: "call_a", name: "screenshot", input: {}, raw_input: '{"page": ' },
          { type: "tool_use", id: "call_b", name: "get_weather", input: { city: "Oslo" } },
        ],
      }),
      new Msg({
        name: "system",
        role: "system",
        content: [
          { type: "tool_result", id: "call_a", name: "screenshot", output: [{ type: "image", source: { type: "url", url: "https://example.com/shot.png" } }] },
          { type: "tool_result", id: "call_b", name: "get_weather", output: "rain" },
        ],
      }),
    ];
    await model().call(msgs);
    expect(sent().messages).to.deep.equal([
      {
        role: "assistant",
        content: null,
        tool_calls: [
          { id: "call_a", type: "function", function: { name: "screenshot", arguments: '{"page": ' } },
          { id: "call_b", type: "function", function: { name: "get_weather", arguments: '{"city":"Oslo"}' } },
        ],
      },
      { role: "tool", tool_call_id: "call_a", content: "(1 image in the next message)" },
      { role: "tool", tool_call_id: "call_b", content: "rain" },
      {
        role: "user",
        content: [
          { type: "text", text: 'Images returned by the tool "screenshot" (call call_a):' },
          { type: "image_url", image_url: { url: "https://example.com/shot.png" } },
        ],
      },
    ]);
  });

  it("streams cumulative chunks sharing one id, thinking from reasoning_content, usage on the last chunk only", async function () {
    server.reply({ thinking: "Greet them back.", text: "Hello there, world!", usage: { input: 21, output: 9 } });
    const chunks = await collect(model().stream([question]));

    expect(chunks.length).to.be.greaterThan(4);
    expect(chunks[0]!.id).to.match(/^chatcmpl-fake\d+$/);
    expect(chunks.every((chunk) => chunk.id === chunks[0]!.id)).to.equal(true);
    const texts = chunks.map((chunk) => textOf(chunk));
    for (let i = 1; i < texts.length; i++) expect(texts[i]!.startsWith(texts[i - 1]!), `chunk ${i} extends chunk ${i - 1}`).to.equal(true);
    const last = chunks.at(-1)!;
    expect(last.content).to.deep.equal([
      { type: "thinking", thinking: "Greet them back." },
      { type: "text", text: "Hello there, world!" },
    ]);
    expect(chunks.slice(0, -1).every((chunk) => chunk.usage === undefined)).to.equal(true);
    expect(last.usage).to.include({ inputTokens: 21, outputTokens: 9 });
    expect(last.usage!.time).to.be.a("number").and.at.least(0);
  });

  it("assembles tool calls from argument fragments, keeping arguments that are not JSON in raw_input", async function () {
    server.reply({
      text: "Checking.",
      toolCalls: [
        { id: "call_x", name: "get_weather", arguments: '{"city": "Paris", "days": 3}' },
        { id: "call_y", name: "search", arguments: '{"q": "unterminated' },
      ],
      chunkChars: 4,
    });
    const reply = await model().call([question], { tools: [WEATHER] });
    expect(reply.content).to.deep.equal([
      { type: "text", text: "Checking." },
      { type: "tool_use", id: "call_x", name: "get_weather", input: { city: "Paris", days: 3 } },
      { type: "tool_use", id: "call_y", name: "search", input: {}, raw_input: '{"q": "unterminated' },
    ]);
  });

  it("maps tool choice auto, none, required and a tool name, and sends none without tools", async function () {
    const m = model();
    for (const choice of ["auto", "none", "required", "get_weather"]) await m.call([question], { tools: [WEATHER], toolChoice: choice });
    await m.call([question], { toolChoice: "required" });
    expect(server.requests.map((request) => (request.body as { tool_choice?: unknown }).tool_choice)).to.deep.equal([
      "auto",
      "none",
      "required",
      { type: "function", function: { name: "get_weather" } },
      undefined,
    ]);
    expect(sent(4)).not.to.have.property("tools");
  });

  it("with stream: false, call() and stream() make one non-streaming request each", async function () {
    const reply = { thinking: "Easy.", text: "Four.", toolCalls: [{ id: "call_n", name: "get_weather", arguments: '{"city":"Rome"}' }], usage: { input: 5, output: 2 } };
    server.reply(reply, reply);
    const m = model({ stream: false });
    const called = await m.call([question]);
    const streamed = await collect(m.stream([question]));

    expect(server.requests).to.have.length(2);
    for (const request of server.requests) {
      expect((request.body as { stream?: unknown }).stream).to.equal(false);
      expect(request.body).not.to.have.property("stream_options");
    }
    expect(streamed).to.have.length(1);
    for (const response of [called, streamed[0]!]) {
      expect(response.id).to.match(/^chatcmpl-fake/);
      expect(response.content).to.deep.equal([
        { type: "thinking", thinking: "Easy." },
        { type: "text", text: "Four." },
        { type: "tool_use", id: "call_n", name: "get_weather", input: { city: "Rome" } },
      ]);
      expect(response.usage).to.include({ inputTokens: 5, outputTokens: 2 });
    }
  });

  it("passes client_kwargs to the SDK client (default_headers reach the server)", async function () {
    await model({ client_kwargs: { max_retries: 0, default_headers: { "X-Team": "agents" } } }).call([question]);
    expect(server.requests[0]!.headers["x-team"]).to.equal("agents");
  });

  it("takes the key from OPENAI_API_KEY when the slot has none", async function () {
    const saved = process.env.OPENAI_API_KEY;
    process.env.OPENAI_API_KEY = "sk-from-env-5e6f7a8b";
    try {
      await model({ api_key: undefined }).call([question]);
    } finally {
      if (saved === undefined) delete process.env.OPENAI_API_KEY;
      else process.env.OPENAI_API_KEY = saved;
    }
    expect(server.requests[0]!.headers.authorization).to.equal("Bearer sk-from-env-5e6f7a8b");
  });

  describe("failures", function () {
    it("401: a ModelError with the status, not retryable, and no API key in it", async function () {
      server.reply({ error: { status: 401, message: `Incorrect API key provided: ${KEY}.` } });
      const error = await failure(model().call([question]));
      expect(error).to.be.instanceOf(ModelError);
      const modelError = error as ModelError;
      expect(modelError).to.include({ provider: "openai", model: "gpt-4o-mini", status: 401, retryable: false });
      expect(modelError.message).to.match(/^openai model gpt-4o-mini: HTTP 401 .*Incorrect API key provided/);
      expect(modelError.message).not.to.include(KEY);
      expect(String(modelError.cause)).not.to.include(KEY);
    });

    it("429: retryable, one request with max_retries 0", async function () {
      server.reply({ error: { status: 429, message: "Rate limit reached for gpt-4o-mini" } });
      const error = (await failure(model().call([question]))) as ModelError;
      expect(error).to.be.instanceOf(ModelError);
      expect(error).to.include({ status: 429, retryable: true });
      expect(error.message).to.include("Rate limit reached").and.not.include(KEY);
      expect(server.requests).to.have.length(1);
    });

    it("500: retryable, for streaming and non-streaming requests", async function () {
      server.reply({ error: { status: 500, message: "The server had an error" } }, { error: { status: 500 } });
      for (const m of [model(), model({ stream: false })]) {
        const error = (await failure(m.call([question]))) as ModelError;
        expect(error).to.be.instanceOf(ModelError);
        expect(error).to.include({ status: 500, retryable: true });
        expect(error.message).not.to.include(KEY);
      }
    });

    it("a malformed stream: a ModelError that says so, after the chunks that did arrive", async function () {
      server.reply({ text: "Partial answer", malformed: true });
      const seen: ChatResponse[] = [];
      const error = await failure(
        (async () => {
          for await (const chunk of model({ client_kwargs: { max_retries: 0, log_level: "off" } }).stream([question])) seen.push(chunk);
        })(),
      );
      expect(error).to.be.instanceOf(ModelError);
      expect((error as ModelError).message).to.match(/malformed stream/);
      expect((error as ModelError).status).to.equal(undefined);
      expect(seen.map(textOf)).to.deep.equal(["Par"]);
    });

    it("a refused connection: a retryable ModelError without status", async function () {
      const gone = await startFakeOpenAI();
      const baseUrl = gone.baseUrl;
      await gone.close();
      const error = (await failure(model({ base_url: baseUrl }).call([question]))) as ModelError;
      expect(error).to.be.instanceOf(ModelError);
      expect(error).to.include({ status: undefined, retryable: true });
      expect(error.message).to.match(/cannot reach the provider/).and.not.include(KEY);
    });

    it("an abort mid-stream cancels the HTTP request and rejects with the abort, not a ModelError", async function () {
      server.reply({ text: "This reply never finishes", hang: true });
      const controller = new AbortController();
      const stream = model().stream([question], { signal: controller.signal });
      const first = await stream.next();
      expect(first.done).to.equal(false);
      expect(textOf(first.value as ChatResponse)).to.equal("Thi");

      const clientGone = server.clientGone();
      controller.abort();
      const error = await failure(stream.next());
      expect(error).not.to.be.instanceOf(ModelError);
      expect((error as Error).name).to.equal("AbortError");
      await clientGone;
    });
  });
});

