import { expect } from "chai";
import { PROVIDERS } from "../../../src/config/index.js";
import { parse } from "./problems.js";

describe("config: defaults", () => {
  it("lists the providers", () => {
    expect(PROVIDERS).to.deep.equal(["openai", "anthropic", "dashscope", "gemini", "ollama", "scripted"]);
  });

  it("fills every section of an empty config", () => {
    const { config, warnings } = parse({});
    expect(warnings).to.deep.equal([]);
    expect(config).to.deep.equal({
      models: {},
      mcp_servers: {},
      session: { backend: "json", save_dir: "./sessions", key_prefix: "agentscope:session:" },
      platform: { heartbeat_interval: 30 },
      tracing: {},
      server: {
        port: 8080,
        host: "0.0.0.0",
        workers: 1,
        tasks_per_worker: 64,
        max_queue: 256,
        request_timeout: 600,
        drain_timeout: 300,
        session_wait_timeout: 30,
        worker_memory_mb: 1024,
        body_limit: "1mb",
      },
    });
  });

  it("keeps app and fills the rest of a partly given section", () => {
    const { config } = parse({ app: "./src/app.ts", server: { port: 9000 }, session: { backend: "memory" } });
    expect(config.app).to.equal("./src/app.ts");
    expect(config.server.port).to.equal(9000);
    expect(config.server.workers).to.equal(1);
    expect(config.session).to.deep.equal({ backend: "memory", save_dir: "./sessions", key_prefix: "agentscope:session:" });
  });

  it("fills a provider model's defaults", () => {
    const { config } = parse({ models: { main: { provider: "openai", model: "gpt-4o-mini", api_key: "sk-test" } } });
    expect(config.models["main"]).to.deep.equal({
      provider: "openai",
      model: "gpt-4o-mini",
      api_key: "sk-test",
      stream: true,
      generate_kwargs: {},
      client_kwargs: {},
    });
  });

  it("fills a scripted model's defaults, model name included", () => {
    const { config } = parse({ models: { demo: { provider: "scripted", script: [{ tool_calls: [{ name: "search" }] }] } } });
    expect(config.models["demo"]).to.deep.equal({
      provider: "scripted",
      model: "scripted",
      stream: true,
      generate_kwargs: {},
      client_kwargs: {},
      script: [{ tool_calls: [{ name: "search", input: {} }] }],
      delay_ms: 0,
      chunk_chars: 16,
      exhausted: "cycle",
    });
  });

  it("keeps what a scripted model gives", () => {
    const step = { text: "It is sunny.", thinking: "The tool said so.", usage: { input_tokens: 12, output_tokens: 5 } };
    const { config } = parse({
      models: { demo: { provider: "scripted", model: "scripted-demo", script: [step], delay_ms: 20, chunk_chars: 4, exhausted: "error" } },
    });
    expect(config.models["demo"]).to.include({ model: "scripted-demo", delay_ms: 20, chunk_chars: 4, exhausted: "error" });
    expect(config.models["demo"]?.script).to.deep.equal([step]);
  });

  it("fills an MCP server's defaults for an HTTP server", () => {
    const { config } = parse({ mcp_servers: { search: { url: "http://localhost:3001/mcp" } } });
    expect(config.mcp_servers["search"]).to.deep.equal({
      transport: "streamable_http",
      url: "http://localhost:3001/mcp",
      headers: {},
      timeout: 30,
      sse_read_timeout: 300,
      required: true,
    });
  });

  it("fills an MCP server's defaults for a stdio server", () => {
    const { config } = parse({ mcp_servers: { files: { transport: "stdio", command: "npx" } } });
    expect(config.mcp_servers["files"]).to.deep.equal({
      transport: "stdio",
      command: "npx",
      args: [],
      headers: {},
      timeout: 30,
      sse_read_timeout: 300,
      required: true,
    });
  });

  it("keeps a redis session's settings", () => {
    const { config } = parse({ session: { backend: "redis", redis_url: "redis://localhost:6379/0", ttl: 3600 } });
    expect(config.session).to.deep.equal({
      backend: "redis",
      redis_url: "redis://localhost:6379/0",
      save_dir: "./sessions",
      key_prefix: "agentscope:session:",
      ttl: 3600,
    });
  });
});
