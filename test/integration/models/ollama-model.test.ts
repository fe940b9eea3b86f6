import { expect } from "chai";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ProviderModelConfig } from "../../../src/config/index.js";
import { Msg, type ContentBlock } from "../../../src/message/index.js";
import type { ChatModel, ChatResponse, ToolSchema } from "../../../src/models/chat-model.js";
import { ModelError } from "../../../src/models/model-error.js";
import { createOllamaModel } from "../../../src/models/ollama-model.js";
import { FAKE_OLLAMA_IMAGE_BASE64, FAKE_OLLAMA_IMAGE_PATH, startFakeOllama } from "../../fixtures/providers/fake-ollama.js";
import { startLoopbackServer, type FakeProviderServer, type RecordedRequest } from "../../fixtures/providers/loopback-server.js";
import { collect, failure, textOf } from "../../helpers/model-results.js";

const KEY = "ollama-secret-key-4242";
const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAUAAAAFCAYAAACNbyblAAAAHElEQVQI12P4//8/w38GIAXDIBKE0DHxgljNBAAO9TXL0Y4OHwAAAABJRU5ErkJggg==";

const tools: ToolSchema[] = [
  {
    type: "function",
    function: { name: "get_weather", description: "Weather in a city", parameters: { type: "object", properties: { city: { type: "string" } } } },
  },
  { type: "function", function: { name: "get_time", parameters: { type: "object", properties: {} } } },
];

function user(content: string | ContentBlock[]): Msg {
  return new Msg({ name: "user", role: "user", content });
}

/** Yields to the event loop until the condition holds (no timers, no wall clock). */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

describe("OllamaModel against a fake Ollama server", function () {
  let server: FakeProviderServer;
  const models: ChatModel[] = [];

  before(async function () {
    server = await startFakeOllama();
  });

  after(async function () {
    await Promise.all(models.map((model) => model.close?.()));
    await server.close();
  });

  function model(overrides: Partial<ProviderModelConfig> = {}): ChatModel {
    const created = createOllamaModel("main", {
      provider: "ollama",
      model: "qwen3",
      api_key: KEY,
      base_url: server.baseUrl,
      stream: true,
      generate_kwargs: {},
      client_kwargs: {},
      ...overrides,
    });
    models.push(created);
    return created;
  }

  function chatRequests(): RecordedRequest[] {
    return server.requests.filter((request) => request.path === "/api/chat");
  }

  function lastBody(): Record<string, unknown> {
    return chatRequests().at(-1)?.body as Record<string, unknown>;
  }

  function expectModelError(error: unknown): ModelError {
    expect(error).to.be.instanceOf(ModelError);
    const modelError = error as ModelError;
    expect(modelError.provider).to.equal("ollama");
    expect(modelError.message).not.to.contain(KEY);
    expect(String(modelError.cause)).not.to.contain(KEY);
    return modelError;
  }

  it("sends the conversation in Ollama's shape: system prompt, images, a tool round, kwargs, the key", async function () {
    server.reply({ text: "Sunny." });
    const imageUrl = `${server.baseUrl}${FAKE_OLLAMA_IMAGE_PATH}`;
    const msgs = [
      new Msg({ name: "system", role: "system", content: "You are terse." }),
      user([
        { type: "text", text: "What is in these pictures?" },
        { type: "image", source: { type: "base64", media_type: "image/png", data: PNG } },
        { type: "image", source: { type: "url", url: imageUrl } },
      ]),
      new Msg({
        name: "assistant",
        role: "assistant",
        content: [
          { type: "thinking", thinking: "The user wants the weather." },
          { type: "text", text: "Let me check." },
          { type: "tool_use", id: "call_1", name: "get_weather", input: { city: "Paris" } },
        ],
      }),
      user([
        { type: "tool_result", id: "call_1", name: "get_weather", output: "sunny" },
        { type: "tool_result", id: "call_2", name: "get_weather", output: [{ type: "text", text: "22 °C" }, { type: "image", source: { type: "base64", media_type: "image/png", data: PNG } }] },
      ]),
      user("And tomorrow?"),
    ];
    const reply = await model({ generate_kwargs: { think: true, keep_alive: "5m", temperature: 0.2, num_ctx: 8192 } }).call(msgs, { tools });

    expect(textOf(reply)).to.equal("Sunny.");
    const request = chatRequests().at(-1)!;
    expect(request.method).to.equal("POST");
    expect(request.headers.authorization).to.equal(`Bearer ${KEY}`);
    expect(request.body).to.deep.equal({
      model: "qwen3",
      stream: true,
      think: true,
      keep_alive: "5m",
      options: { temperature: 0.2, num_ctx: 8192 },
      tools: tools.map((tool) => ({ type: "function", function: tool.function })),
      messages: [
        { role: "system", content: "You are terse." },
        { role: "user", content: "What is in these pictures?", images: [PNG, FAKE_OLLAMA_IMAGE_BASE64] },
        { role: "assistant", content: "Let me check.", tool_calls: [{ function: { name: "get_weather", arguments: { city: "Paris" } } }] },
        { role: "tool", tool_name: "get_weather", content: "sunny" },
        { role: "tool", tool_name: "get_weather", content: "22 °C", images: [PNG] },
        { role: "user", content: "And tomorrow?" },
      ],
    });
    // The image was downloaded from its own host, without the provider's key.
    const download = server.requests.find((r) => r.path === FAKE_OLLAMA_IMAGE_PATH);
    expect(download?.method).to.equal("GET");
    expect(download?.headers.authorization).to.equal(undefined);
  });

  it("streams thinking and text as cumulative chunks sharing one id, usage on the last", async function () {
    server.reply({ thinking: "Think first.", text: "Hello there, world!", chunkChars: 4, usage: { input: 31, output: 9 } });
    const chunks = await collect(model({ generate_kwargs: { think: true } }).stream([user("Hi")]));

    expect(chunks.length).to.be.greaterThan(5);
    const id = chunks[0]!.id;
    expect(id).to.be.a("string").and.not.equal("");
    for (const chunk of chunks) expect(chunk.id).to.equal(id);
    for (let i = 1; i < chunks.length; i++) expect(textOf(chunks[i]).startsWith(textOf(chunks[i - 1]))).to.equal(true);
    const texts = new Set(chunks.map(textOf));
    expect(texts.size).to.be.greaterThan(3);
    const last = chunks.at(-1)!;
    expect(last.content).to.deep.equal([
      { type: "thinking", thinking: "Think first." },
      { type: "text", text: "Hello there, world!" },
    ]);
    expect(last.usage).to.include({ inputTokens: 31, outputTokens: 9 });
    expect(last.usage?.time).to.be.a("number").and.at.least(0);
    for (const chunk of chunks.slice(0, -1)) expect(chunk.usage).to.equal(undefined);
  });

  it("returns tool calls with parsed input, keeps a given id, makes one when absent, keeps bad JSON raw", async function () {
    server.reply({
      text: "Checking.",
      toolCalls: [
        { id: "call_abc", name: "get_weather", arguments: '{"city":"Paris"}' },
        { name: "get_time", arguments: '{"tz":"CET"}' },
        { name: "get_weather", arguments: '{"city": "Par' },
      ],
    });
    const chunks = await collect(model().stream([user("Weather and time?")], { tools }));
    const calls = chunks.at(-1)!.content.filter((block) => block.type === "tool_use");

    expect(calls).to.have.length(3);
    expect(calls[0]).to.deep.equal({ type: "tool_use", id: "call_abc", name: "get_weather", input: { city: "Paris" } });
    expect(calls[1]).to.deep.include({ type: "tool_use", name: "get_time", input: { tz: "CET" } });
    expect(calls[1]?.id).to.match(/^call_\w+$/);
    expect(calls[1]).not.to.have.property("raw_input");
    expect(calls[2]).to.deep.include({ name: "get_weather", input: {}, raw_input: '{"city": "Par' });
    expect(new Set(calls.map((call) => call.id)).size).to.equal(3);
  });

  it("maps tool choice: auto and required send every tool, a name only that one, none no tools", async function () {
    const ollama = model({ stream: false });
    const sentTools = async (toolChoice: string): Promise<unknown> => {
      server.reply({ text: "ok" });
      await ollama.call([user("Hi")], { tools, toolChoice });
      return lastBody()["tools"];
    };
    const all = tools.map((tool) => ({ type: "function", function: tool.function }));
    expect(await sentTools("auto")).to.deep.equal(all);
    expect(await sentTools("required")).to.deep.equal(all);
    expect(await sentTools("get_time")).to.deep.equal([all[1]]);
    expect(await sentTools("none")).to.equal(undefined);

    const error = expectModelError(await failure(() => ollama.call([user("Hi")], { tools, toolChoice: "get_stock" })));
    expect(error.message).to.contain('"get_stock" is not one of the tools given');
  });

  it("with stream: false, call() and stream() use the one-object answer", async function () {
    const ollama = model({ stream: false });
    server.reply({ thinking: "Hmm.", text: "Done.", toolCalls: [{ name: "get_time", arguments: "{}" }], usage: { input: 7, output: 3 } });
    const reply = await ollama.call([user("Hi")], { tools });

    expect(lastBody()["stream"]).to.equal(false);
    expect(reply.id).to.match(/^ollama-/);
    expect(reply.content.slice(0, 2)).to.deep.equal([
      { type: "thinking", thinking: "Hmm." },
      { type: "text", text: "Done." },
    ]);
    expect(reply.content[2]).to.deep.include({ type: "tool_use", name: "get_time", input: {} });
    expect(reply.usage).to.include({ inputTokens: 7, outputTokens: 3 });

    server.reply({ text: "Once.", usage: { input: 2, output: 1 } });
    const chunks = await collect(ollama.stream([user("Hi")]));
    expect(lastBody()["stream"]).to.equal(false);
    expect(chunks).to.have.length(1);
    expect(textOf(chunks[0])).to.equal("Once.");
    expect(chunks[0]?.usage).to.include({ inputTokens: 2, outputTokens: 1 });
  });

  it("sends default_headers, a base_url written with a trailing slash, and no Authorization without a key", async function () {
    server.reply({ text: "ok" });
    await model({ api_key: undefined, base_url: `${server.baseUrl}/`, client_kwargs: { default_headers: { "X-Team": "search" } } }).call([user("Hi")]);
    const request = chatRequests().at(-1)!;
    expect(request.path).to.equal("/api/chat");
    expect(request.headers["x-team"]).to.equal("search");
    expect(request.headers.authorization).to.equal(undefined);
  });

  it("never reads a file named by an image's base64 data", async function () {
    const folder = await mkdtemp(join(tmpdir(), "ollama"));
    try {
      const path = join(folder, "secret");
      await writeFile(path, "TOP SECRET");
      server.reply({ text: "ok" });
      await model().call([user([{ type: "image", source: { type: "base64", media_type: "image/png", data: path } }])]);
      const sent = (lastBody()["messages"] as Array<{ images?: string[] }>)[0]?.images;
      expect(sent).to.have.length(1);
      expect(sent?.[0]).not.to.equal(Buffer.from("TOP SECRET").toString("base64"));
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it("fails with a ModelError when an image URL cannot be fetched, before calling Ollama", async function () {
    const before = chatRequests().length;
    const error = expectModelError(
      await failure(() => model().call([user([{ type: "image", source: { type: "url", url: `${server.baseUrl}/images/missing.png` } }])])),
    );
    expect(error.message).to.contain("cannot fetch the image").and.contain("HTTP 404");
    expect(chatRequests().length).to.equal(before);
  });

  describe("errors", function () {
    it("401: a ModelError with the status, not retryable, without the key it echoed", async function () {
      server.reply({ error: { status: 401, message: `invalid key ${KEY}` } });
      const error = expectModelError(await failure(() => model().call([user("Hi")])));
      expect(error).to.include({ status: 401, retryable: false });
      expect(error.message).to.contain("HTTP 401").and.contain("invalid key");
    });

    it("429: retryable", async function () {
      server.reply({ error: { status: 429 } });
      const error = expectModelError(await failure(() => collect(model().stream([user("Hi")]))));
      expect(error).to.include({ status: 429, retryable: true });
      expect(error.message).to.contain("too many requests");
    });

    it("500: retryable, also without streaming", async function () {
      server.reply({ error: { status: 500 } });
      const error = expectModelError(await failure(() => model({ stream: false }).call([user("Hi")])));
      expect(error).to.include({ status: 500, retryable: true });
      expect(error.message).to.contain("internal server error");
    });

    it("a stream that breaks off with bytes that are not NDJSON", async function () {
      server.reply({ text: "Hello there, world!", malformed: true });
      const error = expectModelError(await failure(() => collect(model().stream([user("Hi")]))));
      expect(error.status).to.equal(undefined);
      expect(error.retryable).to.equal(false);
      expect(error.message).to.contain("done");
    });

    it("a one-object answer cut in half", async function () {
      server.reply({ text: "Hello there", malformed: true });
      const error = expectModelError(await failure(() => model({ stream: false }).call([user("Hi")])));
      expect(error.message).to.contain("JSON");
    });

    it("a refused connection: retryable, no status", async function () {
      const closed = await startLoopbackServer("", () => {});
      await closed.close();
      const error = expectModelError(await failure(() => model({ base_url: closed.baseUrl }).call([user("Hi")])));
      expect(error).to.include({ status: undefined, retryable: true });
      expect(error.message).to.contain("cannot reach the provider");
    });

    it("client_kwargs.timeout ends a request that gets no answer, as a retryable ModelError", async function () {
      server.reply({ hang: true });
      const gone = server.clientGone();
      const error = expectModelError(await failure(() => model({ stream: false, client_kwargs: { timeout: 0.05 } }).call([user("Hi")])));
      expect(error.retryable).to.equal(true);
      expect(error.message).to.contain("no answer within 0.05 s");
      await gone;
    });
  });

  describe("cancelling", function () {
    it("an abort mid-stream cancels the HTTP request and surfaces as the abort, not a ModelError", async function () {
      server.reply({ text: "A long answer that never ends", hang: true });
      const controller = new AbortController();
      const stream = model().stream([user("Hi")], { signal: controller.signal });
      const first = await stream.next();
      expect(textOf(first.value as ChatResponse)).to.equal("A l");

      const gone = server.clientGone();
      controller.abort();
      const error = await failure(() => stream.next());
      expect(error).not.to.be.instanceOf(ModelError);
      expect((error as Error).name).to.equal("AbortError");
      await gone;
    });

    it("an abort cancels a request without streaming too (the SDK takes no signal for it)", async function () {
      server.reply({ hang: true });
      const controller = new AbortController();
      const before = chatRequests().length;
      const gone = server.clientGone();
      const call = failure(() => model({ stream: false }).call([user("Hi")], { signal: controller.signal }));
      await until(() => chatRequests().length > before);
      controller.abort();
      expect(((await call) as Error).name).to.equal("AbortError");
      await gone;
    });

    it("a caller that stops reading early ends the HTTP request", async function () {
      server.reply({ text: "A long answer that never ends", hang: true });
      const gone = server.clientGone();
      for await (const chunk of model().stream([user("Hi")])) {
        expect(textOf(chunk)).to.equal("A l");
        break;
      }
      await gone;
    });

    it("close() aborts requests in flight and refuses new calls; it is idempotent", async function () {
      server.reply({ text: "A long answer that never ends", hang: true });
      const ollama = model();
      const stream = ollama.stream([user("Hi")]);
      await stream.next();

      const gone = server.clientGone();
      await ollama.close?.();
      expect(expectModelError(await failure(() => stream.next())).message).to.contain("the model is closed");
      await gone;
      expect(expectModelError(await failure(() => ollama.call([user("Hi")]))).message).to.contain("the model is closed");
      await ollama.close?.();
    });
  });
});
