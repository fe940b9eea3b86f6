import { expect } from "chai";
import type { ModelConfig } from "../../../src/config/index.js";
import { Msg } from "../../../src/message/index.js";
import { createAnthropicModel } from "../../../src/models/anthropic-model.js";
import type { ChatModel, ToolSchema } from "../../../src/models/chat-model.js";
import { ModelError } from "../../../src/models/model-error.js";
import { startFakeAnthropic, type FakeAnthropicServer } from "../../fixtures/providers/fake-anthropic.js";
import { collect, failure } from "../../helpers/model-results.js";

const API_KEY = "sk-ant-test-secret-4f2b9c";
const MODEL = "claude-sonnet-4-6";

const user = (content: Msg["content"]): Msg => new Msg({ name: "user", role: "user", content });
const system = (content: Msg["content"]): Msg => new Msg({ name: "system", role: "system", content });
const assistant = (content: Msg["content"]): Msg => new Msg({ name: "assistant", role: "assistant", content });

const WEATHER_TOOL: ToolSchema = {
  type: "function",
  function: {
    name: "get_weather",
    description: "The weather in a city",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
};

interface SentBody {
  model: string;
  max_tokens: number;
  stream?: boolean;
  system?: string;
  messages: unknown[];
  tools?: unknown[];
  tool_choice?: unknown;
  temperature?: number;
  thinking?: unknown;
}

function expectModelError(error: unknown, status: number | undefined, retryable: boolean): ModelError {
  expect(error).to.be.instanceOf(ModelError);
  const modelError = error as ModelError;
  expect(modelError.provider).to.equal("anthropic");
  expect(modelError.model).to.equal(MODEL);
  expect(modelError.status).to.equal(status);
  expect(modelError.retryable).to.equal(retryable);
  expect(modelError.message).not.to.contain(API_KEY);
  expect(String(modelError.cause)).not.to.contain(API_KEY);
  return modelError;
}

describe("AnthropicModel against a fake Messages API", function () {
  let server: FakeAnthropicServer;

  function model(overrides: Partial<ModelConfig> = {}): ChatModel {
    return createAnthropicModel("main", {
      provider: "anthropic",
      model: MODEL,
      api_key: API_KEY,
      base_url: server.baseUrl,
      stream: true,
      generate_kwargs: {},
      client_kwargs: { max_retries: 0 },
      ...overrides,
    } as ModelConfig);
  }

  function lastBody(): SentBody {
    return server.requests.at(-1)!.body as SentBody;
  }

  before(async function () {
    server = await startFakeAnthropic();
  });

  after(async function () {
    await server.close();
  });

  it("posts to /v1/messages with the key in x-api-key, the system prompt on top and max_tokens defaulted", async function () {
    server.reply({ text: "Hi there" });
    await model({ generate_kwargs: { temperature: 0.2 } }).call([system("You are terse."), user("Hello")]);
    const request = server.requests.at(-1)!;
    expect(request.method).to.equal("POST");
    expect(request.path).to.equal("/v1/messages");
    expect(request.headers["x-api-key"]).to.equal(API_KEY);
    expect(request.headers.authorization).to.equal(undefined);
    expect(request.headers["anthropic-version"]).to.be.a("string");
    expect(request.body).to.deep.equal({
      max_tokens: 4096,
      temperature: 0.2,
      model: MODEL,
      system: "You are terse.",
      messages: [{ role: "user", content: [{ type: "text", text: "Hello" }] }],
      stream: true,
    });
  });

  it("lets generate_kwargs.max_tokens replace the default", async function () {
    server.reply({ text: "ok" });
    await model({ generate_kwargs: { max_tokens: 100 } }).call([user("Hello")]);
    expect(lastBody().max_tokens).to.equal(100);
  });

  it("accepts base_url written with /v1, as OpenAI-style configs write it", async function () {
    server.reply({ text: "ok" });
    const reply = await model({ base_url: `${server.baseUrl}/v1/` }).call([user("Hello")]);
    expect(server.requests.at(-1)!.path).to.equal("/v1/messages");
    expect(reply.content).to.deep.equal([{ type: "text", text: "ok" }]);
  });

  it("streams cumulative chunks sharing one id, thinking apart from text, usage on the last chunk only", async function () {
    server.reply({ thinking: "Let me think.", text: "The answer is 42.", usage: { input: 31, output: 17 }, chunkChars: 4 });
    const thinking = { type: "enabled", budget_tokens: 2048 };
    const chunks = await collect(model({ generate_kwargs: { thinking } }).stream([user("Question?")]));

    expect(lastBody().thinking).to.deep.equal(thinking);
    // max_tokens must exceed the thinking budget: the default grows with it.
    expect(lastBody().max_tokens).to.equal(4096 + 2048);

    expect(chunks.length).to.be.above(5);
    const ids = new Set(chunks.map((chunk) => chunk.id));
    expect([...ids]).to.have.length(1);
    expect(chunks[0]!.id).to.match(/^msg_/);
    const texts = chunks.map((chunk) => chunk.content.find((block) => block.type === "text")?.text ?? "");
    for (let i = 1; i < texts.length; i++) expect(texts[i]!.startsWith(texts[i - 1]!)).to.equal(true);

    const last = chunks.at(-1)!;
    expect(last.content).to.deep.equal([
      { type: "thinking", thinking: "Let me think." },
      { type: "text", text: "The answer is 42." },
    ]);
    expect(last.usage).to.include({ inputTokens: 31, outputTokens: 17 });
    expect(last.usage!.time).to.be.a("number").and.to.be.at.least(0);
    for (const chunk of chunks.slice(0, -1)) expect(chunk.usage).to.equal(undefined);
  });

  it("formats history: a tool_use / tool_result round, images in base64, by URL and as a data URL", async function () {
    server.reply({ text: "done" });
    const history = [
      system("Be helpful."),
      user([
        { type: "text", text: "What is in these, and the weather?" },
        { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
        { type: "image", source: { type: "url", url: "https://example.com/cat.jpg" } },
        { type: "image", source: { type: "url", url: "data:image/gif;base64,R0lGOD==" } },
      ]),
      assistant([
        { type: "thinking", thinking: "I should call the tool." },
        { type: "text", text: "Checking." },
        { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris" } },
        { type: "tool_use", id: "toolu_2", name: "get_weather", input: { city: "Oslo" } },
      ]),
      // The Python runtime's agents record tool results in system-role messages.
      system([{ type: "tool_result", id: "toolu_1", name: "get_weather", output: "sunny" }]),
      system([
        {
          type: "tool_result",
          id: "toolu_2",
          name: "get_weather",
          output: [
            { type: "text", text: "snow" },
            { type: "image", source: { type: "url", url: "https://example.com/map.png" } },
          ],
        },
      ]),
      assistant("Paris is sunny, Oslo has snow."),
      user("Thanks"),
    ];
    await model().call(history);
    expect(lastBody().system).to.equal("Be helpful.");
    expect(lastBody().messages).to.deep.equal([
      {
        role: "user",
        content: [
          { type: "text", text: "What is in these, and the weather?" },
          { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
          { type: "image", source: { type: "url", url: "https://example.com/cat.jpg" } },
          { type: "image", source: { type: "base64", media_type: "image/gif", data: "R0lGOD==" } },
        ],
      },
      {
        role: "assistant",
        content: [
          { type: "text", text: "Checking." },
          { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris" } },
          { type: "tool_use", id: "toolu_2", name: "get_weather", input: { city: "Oslo" } },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "toolu_1", content: "sunny" },
          {
            type: "tool_result",
            tool_use_id: "toolu_2",
            content: [
              { type: "text", text: "snow" },
              { type: "image", source: { type: "url", url: "https://example.com/map.png" } },
            ],
          },
        ],
      },
      { role: "assistant", content: [{ type: "text", text: "Paris is sunny, Oslo has snow." }] },
      { role: "user", content: [{ type: "text", text: "Thanks" }] },
    ]);
  });

  it("sends tools in Anthropic's form and maps auto, none, required and a tool name", async function () {
    const expected: Array<[string, unknown]> = [
      ["auto", { type: "auto" }],
      ["none", { type: "none" }],
      ["required", { type: "any" }],
      ["get_weather", { type: "tool", name: "get_weather" }],
    ];
    for (const [toolChoice, sent] of expected) {
      server.reply({ text: "ok" });
      await model().call([user("Weather?")], { tools: [WEATHER_TOOL], toolChoice });
      expect(lastBody().tool_choice, toolChoice).to.deep.equal(sent);
    }
    expect(lastBody().tools).to.deep.equal([
      {
        name: "get_weather",
        description: "The weather in a city",
        input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
      },
    ]);

    server.reply({ text: "ok" });
    await model().call([user("Hi")], { toolChoice: "required" });
    expect(lastBody()).not.to.have.property("tools");
    expect(lastBody()).not.to.have.property("tool_choice");
  });

  it("assembles streamed argument fragments into tool_use blocks; arguments that are not JSON stay in raw_input", async function () {
    server.reply({
      text: "Calling.",
      toolCalls: [
        { id: "toolu_a", name: "get_weather", arguments: '{"city": "Paris", "days": 3}' },
        { id: "toolu_b", name: "get_weather", arguments: '{"city": "Os' },
      ],
      chunkChars: 2,
    });
    const chunks = await collect(model().stream([user("Weather?")], { tools: [WEATHER_TOOL] }));
    const last = chunks.at(-1)!;
    expect(last.content).to.deep.equal([
      { type: "text", text: "Calling." },
      { type: "tool_use", id: "toolu_a", name: "get_weather", input: { city: "Paris", days: 3 } },
      { type: "tool_use", id: "toolu_b", name: "get_weather", input: {}, raw_input: '{"city": "Os' },
    ]);
    // The first call was seen growing, fragment by fragment, before it was whole.
    const partial = chunks.filter((chunk) => chunk.content.some((block) => block.type === "tool_use" && block.id === "toolu_a"));
    expect(partial.length).to.be.above(5);
  });

  it("with stream: false, call() and stream() use the non-streaming API and give one whole response", async function () {
    const reply = {
      thinking: "Hmm.",
      text: "Sunny.",
      toolCalls: [{ id: "toolu_n", name: "get_weather", arguments: '{"city":"Rome"}' }],
      usage: { input: 12, output: 8 },
    };
    const expected = [
      { type: "thinking", thinking: "Hmm." },
      { type: "text", text: "Sunny." },
      { type: "tool_use", id: "toolu_n", name: "get_weather", input: { city: "Rome" } },
    ];
    const slot = model({ stream: false });

    server.reply(reply);
    const called = await slot.call([user("Weather?")], { tools: [WEATHER_TOOL] });
    expect(lastBody().stream).to.equal(false);
    expect(called.id).to.match(/^msg_/);
    expect(called.content).to.deep.equal(expected);
    expect(called.usage).to.include({ inputTokens: 12, outputTokens: 8 });

    server.reply(reply);
    const chunks = await collect(slot.stream([user("Weather?")], { tools: [WEATHER_TOOL] }));
    expect(lastBody().stream).to.equal(false);
    expect(chunks).to.have.length(1);
    expect(chunks[0]!.content).to.deep.equal(expected);
    expect(chunks[0]!.usage).to.include({ inputTokens: 12, outputTokens: 8 });
  });

  it("passes client_kwargs to the SDK client: default_headers and max_retries", async function () {
    server.reply({ error: { status: 500 } }, { text: "second time lucky" });
    const before = server.requests.length;
    const reply = await model({ client_kwargs: { max_retries: 1, default_headers: { "x-team": "agents" } } }).call([user("Hi")]);
    expect(reply.content).to.deep.equal([{ type: "text", text: "second time lucky" }]);
    expect(server.requests.length - before).to.equal(2);
    expect(server.requests.at(-1)!.headers["x-team"]).to.equal("agents");
  });

  it("a 401 is a ModelError with status 401, not retryable, and the key scrubbed from it", async function () {
    server.reply({ error: { status: 401, message: `invalid x-api-key: ${API_KEY}` } });
    const error = await failure(() => model().call([user("Hi")]));
    const modelError = expectModelError(error, 401, false);
    expect(modelError.message).to.contain("authentication_error");
    expect(modelError.message).to.contain("invalid x-api-key");
  });

  it("a 429 and a 500 are retryable ModelErrors, also with stream: false", async function () {
    server.reply({ error: { status: 429, message: "Number of requests has exceeded your rate limit" } });
    const limited = expectModelError(await failure(() => model().call([user("Hi")])), 429, true);
    expect(limited.message).to.contain("rate_limit_error");

    server.reply({ error: { status: 500, message: "Internal server error" } });
    const failed = expectModelError(await failure(() => model({ stream: false }).call([user("Hi")])), 500, true);
    expect(failed.message).to.contain("api_error");
  });

  it("a malformed stream is a ModelError saying so", async function () {
    server.reply({ text: "this will break", malformed: true });
    // log_level off: the SDK would otherwise log the bad event on its own.
    const error = await failure(() => collect(model({ client_kwargs: { max_retries: 0, log_level: "off" } }).stream([user("Hi")])));
    const modelError = expectModelError(error, undefined, false);
    expect(modelError.message).to.contain("malformed stream");
  });

  it("an error event inside a 200 stream gets its type's status: overloaded_error is a retryable 529", async function () {
    server.reply({ text: "half an answer", streamError: { type: "overloaded_error", message: "Overloaded" } });
    const error = await failure(() => collect(model().stream([user("Hi")])));
    const modelError = expectModelError(error, 529, true);
    expect(modelError.message).to.contain("Overloaded");
  });

  it("a refused connection is a retryable ModelError without a status", async function () {
    const gone = await startFakeAnthropic();
    const baseUrl = gone.baseUrl;
    await gone.close();
    const error = await failure(() => model({ base_url: baseUrl }).call([user("Hi")]));
    const modelError = expectModelError(error, undefined, true);
    expect(modelError.message).to.contain("cannot reach the provider");
  });

  it("an abort mid-stream cancels the HTTP request and ends the stream with the abort, not a ModelError", async function () {
    server.reply({ text: "a long answer that never ends", hang: true });
    const controller = new AbortController();
    const clientGone = server.clientGone();
    const stream = model().stream([user("Hi")], { signal: controller.signal });
    const first = await stream.next();
    expect(first.done).to.equal(false);
    controller.abort();
    const error = await failure(() => stream.next());
    expect(error).not.to.be.instanceOf(ModelError);
    expect((error as Error).name).to.equal("AbortError");
    await clientGone;
  });
});
