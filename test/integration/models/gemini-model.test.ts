import { expect } from "chai";
import type { ProviderModelConfig } from "../../../src/config/index.js";
import { Msg } from "../../../src/message/index.js";
import type { ChatCallOptions, ChatModel, ChatResponse, ToolSchema } from "../../../src/models/chat-model.js";
import { createGeminiModel } from "../../../src/models/gemini-model.js";
import { ModelError } from "../../../src/models/model-error.js";
import { startFakeGemini } from "../../fixtures/providers/fake-gemini.js";
import type { FakeProviderServer, RecordedRequest } from "../../fixtures/providers/loopback-server.js";
import { collect, failure, textOf } from "../../helpers/model-results.js";

const KEY = "AIzaSy-fake-gemini-key-0123456789";
const MODEL = "gemini-2.5-flash";
const question = new Msg({ name: "user", role: "user", content: "What is the weather in Paris?" });

const weatherTool: ToolSchema = {
  type: "function",
  function: {
    name: "weather",
    description: "The weather in a city.",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
};

describe("GeminiModel against a fake Gemini API", function () {
  let server: FakeProviderServer;
  /** Servers a test started for itself, so that replies it leaves queued cannot reach other tests. */
  const ownServers: FakeProviderServer[] = [];

  before(async function () {
    server = await startFakeGemini();
  });

  after(async function () {
    await Promise.all([server, ...ownServers].map((s) => s.close()));
  });

  function model(overrides: Partial<ProviderModelConfig> = {}): ChatModel {
    return createGeminiModel("main", {
      provider: "gemini",
      model: MODEL,
      api_key: KEY,
      base_url: server.baseUrl,
      stream: true,
      generate_kwargs: {},
      client_kwargs: { max_retries: 0 },
      ...overrides,
    });
  }

  function lastRequest(): RecordedRequest {
    return server.requests.at(-1)!;
  }

  function body(): Record<string, unknown> {
    return lastRequest().body as Record<string, unknown>;
  }

  function expectModelError(error: unknown, expected: { status: number | undefined; retryable: boolean }): ModelError {
    expect(error).to.be.instanceOf(ModelError);
    const modelError = error as ModelError;
    expect(modelError).to.include({ provider: "gemini", model: MODEL, status: expected.status, retryable: expected.retryable });
    expect(modelError.message).not.to.contain(KEY);
    expect(String(modelError.cause)).not.to.contain(KEY);
    return modelError;
  }

  it("streams cumulative chunks under one id, thinking apart, usage on the last", async function () {
    server.reply({ thinking: "Paris is in France.", text: "It is sunny in Paris.", usage: { input: 12, output: 8 }, chunkChars: 4 });
    const chunks = await collect(model().stream([question]));

    const request = lastRequest();
    expect(request.method).to.equal("POST");
    expect(request.path).to.equal(`/v1beta/models/${MODEL}:streamGenerateContent`);
    expect(request.query.get("alt")).to.equal("sse");
    expect(request.headers["x-goog-api-key"]).to.equal(KEY);

    expect(chunks.length).to.be.above(4);
    expect(chunks[0]!.id).to.be.a("string").and.not.equal("");
    expect(new Set(chunks.map((c) => c.id)).size).to.equal(1);
    for (let i = 1; i < chunks.length; i++) expect(textOf(chunks[i]!).startsWith(textOf(chunks[i - 1]!))).to.equal(true);
    expect(chunks[0]!.content).to.deep.equal([{ type: "thinking", thinking: "Pari" }]);
    const last = chunks.at(-1)!;
    expect(last.content).to.deep.equal([
      { type: "thinking", thinking: "Paris is in France." },
      { type: "text", text: "It is sunny in Paris." },
    ]);
    expect(chunks.slice(0, -1).every((c) => c.usage === undefined)).to.equal(true);
    // The fake reports half the output as thoughtsTokenCount: output is candidates plus thoughts.
    expect(last.usage).to.include({ inputTokens: 12, outputTokens: 8 });
    expect(last.usage!.time).to.be.a("number").at.least(0);
  });

  it("sends the system prompt, history, a tool round and images in Gemini's shape", async function () {
    const history = [
      new Msg({ name: "system", role: "system", content: "You are terse." }),
      new Msg({ name: "user", role: "user", content: "Weather in Paris?" }),
      new Msg({
        name: "assistant",
        role: "assistant",
        content: [
          { type: "thinking", thinking: "I should look it up." },
          { type: "text", text: "Checking." },
          { type: "tool_use", id: "call_1", name: "weather", input: { city: "Paris" } },
          { type: "tool_use", id: "call_2", name: "weather", input: { city: "Lyon" } },
        ],
      }),
      new Msg({ name: "system", role: "system", content: [{ type: "tool_result", id: "call_1", name: "weather", output: "sunny" }] }),
      new Msg({
        name: "system",
        role: "system",
        content: [
          {
            type: "tool_result",
            id: "call_2",
            name: "weather",
            output: [
              { type: "text", text: "rain" },
              { type: "image", source: { type: "url", url: "https://maps.example.com/lyon.webp?z=3" } },
            ],
          },
        ],
      }),
      new Msg({ name: "assistant", role: "assistant", content: "Sunny in Paris, rain in Lyon." }),
      new Msg({
        name: "user",
        role: "user",
        content: [
          { type: "text", text: "And these?" },
          { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
          { type: "image", source: { type: "url", url: "https://example.com/photos/cat.JPG" } },
        ],
      }),
    ];
    await model().call(history);

    expect(body().systemInstruction).to.deep.equal({ parts: [{ text: "You are terse." }] });
    expect(body().contents).to.deep.equal([
      { role: "user", parts: [{ text: "Weather in Paris?" }] },
      {
        role: "model",
        parts: [
          { text: "Checking." },
          { functionCall: { id: "call_1", name: "weather", args: { city: "Paris" } }, thoughtSignature: "skip_thought_signature_validator" },
          { functionCall: { id: "call_2", name: "weather", args: { city: "Lyon" } } },
        ],
      },
      {
        role: "user",
        parts: [
          { functionResponse: { id: "call_1", name: "weather", response: { output: "sunny" } } },
          { functionResponse: { id: "call_2", name: "weather", response: { output: "rain" } } },
        ],
      },
      { role: "user", parts: [{ fileData: { fileUri: "https://maps.example.com/lyon.webp?z=3", mimeType: "image/webp" } }] },
      { role: "model", parts: [{ text: "Sunny in Paris, rain in Lyon." }] },
      {
        role: "user",
        parts: [
          { text: "And these?" },
          { inlineData: { mimeType: "image/png", data: "iVBORw0KGgo=" } },
          { fileData: { fileUri: "https://example.com/photos/cat.JPG", mimeType: "image/jpeg" } },
        ],
      },
    ]);
  });

  it("declares tools with their JSON schema and maps each tool choice", async function () {
    const cases: Array<[ChatCallOptions["toolChoice"], Record<string, unknown>]> = [
      ["auto", { mode: "AUTO" }],
      ["none", { mode: "NONE" }],
      ["required", { mode: "ANY" }],
      ["weather", { mode: "ANY", allowedFunctionNames: ["weather"] }],
    ];
    for (const [toolChoice, expected] of cases) {
      await model().call([question], { tools: [weatherTool], toolChoice });
      expect(body().tools).to.deep.equal([
        {
          functionDeclarations: [
            { name: "weather", description: "The weather in a city.", parametersJsonSchema: weatherTool.function.parameters },
          ],
        },
      ]);
      expect(body().toolConfig).to.deep.equal({ functionCallingConfig: expected });
    }
    await model().call([question]);
    expect(body()).not.to.have.any.keys("tools", "toolConfig");
    // Tools of generate_kwargs (snake_case too) come first, the function declarations after them.
    await model({ generate_kwargs: { tools: [{ google_search: {} }] } }).call([question], { tools: [weatherTool], toolChoice: "auto" });
    const tools = body().tools as Array<Record<string, unknown>>;
    expect(tools).to.have.length(2);
    expect(tools[0]).to.deep.equal({ googleSearch: {} });
    expect(tools[1]).to.have.key("functionDeclarations");
  });

  it("merges generate_kwargs, snake_case or not, into every request, and client_kwargs into the client", async function () {
    const configured = model({
      generate_kwargs: {
        temperature: 0.2,
        max_output_tokens: 256,
        thinking_config: { include_thoughts: true, thinking_budget: 128 },
        response_json_schema: { type: "object", properties: { snake_case_field: { type: "string" } } },
      },
      client_kwargs: { max_retries: 0, timeout: 30, default_headers: { "X-Team": "search" } },
    });
    for (let i = 0; i < 2; i++) {
      await configured.call([question]);
      expect(body().generationConfig).to.deep.equal({
        temperature: 0.2,
        maxOutputTokens: 256,
        thinkingConfig: { includeThoughts: true, thinkingBudget: 128 },
        // A schema's own names are left as the user wrote them.
        responseJsonSchema: { type: "object", properties: { snake_case_field: { type: "string" } } },
      });
      expect(lastRequest().headers["x-team"]).to.equal("search");
      // The SDK tells the server the timeout, in seconds.
      expect(lastRequest().headers["x-server-timeout"]).to.equal("30");
    }
  });

  it("retries as max_retries says, with the SDK's retry options from http_options", async function () {
    const own = await startFakeGemini();
    ownServers.push(own);
    own.reply({ error: { status: 503, message: "The model is overloaded." } }, { text: "recovered" });
    const retrying = model({
      base_url: own.baseUrl,
      client_kwargs: { max_retries: 1, http_options: { retry_options: { initial_delay: 0.01, max_delay: 0.02 } } },
    });
    expect(textOf(await retrying.call([question]))).to.equal("recovered");
    expect(own.requests).to.have.length(2);
  });

  it("returns function calls with their input, keeping the API's ids and making up missing ones", async function () {
    server.reply({
      text: "Let me check.",
      toolCalls: [
        { id: "fc_paris", name: "weather", arguments: '{"city": "Paris"}' },
        { name: "clock", arguments: "{}" },
      ],
    });
    const chunks = await collect(model().stream([question], { tools: [weatherTool] }));
    const calls = chunks.at(-1)!.content.filter((block) => block.type === "tool_use");
    expect(calls).to.have.length(2);
    expect(calls[0]).to.deep.equal({ type: "tool_use", id: "fc_paris", name: "weather", input: { city: "Paris" } });
    expect(calls[1]).to.include({ type: "tool_use", name: "clock" });
    expect(calls[1]!.id).to.match(/^call_[0-9a-f]{32}$/);
    expect(calls[1]!.input).to.deep.equal({});
    // One id per call across the chunks, not one per chunk.
    const ids = chunks.flatMap((c) => c.content.filter((b) => b.type === "tool_use").map((b) => b.id));
    expect(new Set(ids)).to.deep.equal(new Set(["fc_paris", calls[1]!.id]));
  });

  it("keeps arguments that are not a JSON object in raw_input", async function () {
    server.reply({ toolCalls: [{ id: "fc_1", name: "weather", arguments: '{"city": "Par' }] });
    const reply = await model().call([question], { tools: [weatherTool] });
    expect(reply.content).to.deep.equal([{ type: "tool_use", id: "fc_1", name: "weather", input: {}, raw_input: '{"city": "Par' }]);
  });

  it("uses generateContent with stream: false, through call() and stream()", async function () {
    const unstreamed = model({ stream: false });
    const reply = { thinking: "Hmm.", text: "Sunny.", toolCalls: [{ id: "fc_1", name: "weather", arguments: '{"city": "Paris"}' }], usage: { input: 20, output: 6 } };
    const expected = [
      { type: "thinking", thinking: "Hmm." },
      { type: "text", text: "Sunny." },
      { type: "tool_use", id: "fc_1", name: "weather", input: { city: "Paris" } },
    ];

    server.reply(reply);
    const called = await unstreamed.call([question]);
    expect(lastRequest().path).to.equal(`/v1beta/models/${MODEL}:generateContent`);
    expect(lastRequest().query.has("alt")).to.equal(false);
    expect(lastRequest().headers["x-goog-api-key"]).to.equal(KEY);
    expect(called.content).to.deep.equal(expected);
    expect(called.id).to.not.equal("");
    expect(called.usage).to.include({ inputTokens: 20, outputTokens: 6 });

    server.reply(reply);
    const chunks = await collect(unstreamed.stream([question]));
    expect(lastRequest().path).to.equal(`/v1beta/models/${MODEL}:generateContent`);
    expect(chunks).to.have.length(1);
    expect(chunks[0]!.content).to.deep.equal(expected);
    expect(chunks[0]!.usage).to.include({ inputTokens: 20, outputTokens: 6 });
  });

  it("takes a base_url that ends in the API version, as the REST docs write it", async function () {
    await model({ base_url: `${server.baseUrl}/v1beta/` }).call([question]);
    expect(lastRequest().path).to.equal(`/v1beta/models/${MODEL}:streamGenerateContent`);
    await model({ base_url: `${server.baseUrl}/v1` }).call([question]);
    expect(lastRequest().path).to.equal(`/v1/models/${MODEL}:streamGenerateContent`);
    // Where Python configs put it, when the slot has none.
    await model({ base_url: undefined, client_kwargs: { max_retries: 0, base_url: `${server.baseUrl}/v1` } }).call([question]);
    expect(lastRequest().path).to.equal(`/v1/models/${MODEL}:streamGenerateContent`);
  });

  it("turns a 401 into a ModelError that is not retryable and never shows the key", async function () {
    server.reply({ error: { status: 401, message: `API key not valid: ${KEY}` } });
    const error = expectModelError(await failure(() => model().call([question])), { status: 401, retryable: false });
    expect(error.message).to.contain("HTTP 401").and.contain("UNAUTHENTICATED: API key not valid");
  });

  it("turns a 429 into a retryable ModelError", async function () {
    server.reply({ error: { status: 429 } });
    const error = expectModelError(await failure(() => collect(model().stream([question]))), { status: 429, retryable: true });
    expect(error.message).to.contain("RESOURCE_EXHAUSTED: Resource has been exhausted");
  });

  it("turns a 500 of generateContent into a retryable ModelError", async function () {
    server.reply({ error: { status: 500 } });
    const error = expectModelError(await failure(() => model({ stream: false }).call([question])), { status: 500, retryable: true });
    expect(error.message).to.contain("HTTP 500: INTERNAL");
  });

  it("turns a malformed stream into a ModelError after the chunks that were good", async function () {
    server.reply({ text: "Hello there", malformed: true });
    const chunks: ChatResponse[] = [];
    const error = await failure(async () => {
      for await (const chunk of model().stream([question])) chunks.push(chunk);
    });
    expect(chunks.map(textOf)).to.deep.equal(["Hel"]);
    expect(expectModelError(error, { status: undefined, retryable: false }).message).to.contain("malformed response");
  });

  it("turns a refused connection into a retryable ModelError", async function () {
    const gone = await startFakeGemini();
    const baseUrl = gone.baseUrl;
    await gone.close();
    const error = expectModelError(await failure(() => model({ base_url: baseUrl }).call([question])), { status: undefined, retryable: true });
    expect(error.message).to.contain("cannot reach the provider");
  });

  it("cancels the HTTP request when the signal aborts mid-stream", async function () {
    server.reply({ text: "This goes on and on", hang: true });
    const controller = new AbortController();
    const stream = model().stream([question], { signal: controller.signal });
    const first = await stream.next();
    expect(textOf(first.value as ChatResponse)).to.equal("Thi");
    const clientGone = server.clientGone();
    controller.abort();
    const error = await failure(() => stream.next());
    expect(error).not.to.be.instanceOf(ModelError);
    expect((error as Error).name).to.equal("AbortError");
    await clientGone;
  });

  it("ends the HTTP request when the caller stops reading", async function () {
    server.reply({ text: "This goes on and on", hang: true });
    const clientGone = server.clientGone();
    for await (const chunk of model().stream([question])) {
      expect(textOf(chunk)).to.equal("Thi");
      break;
    }
    await clientGone;
  });
});
