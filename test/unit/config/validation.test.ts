import { expect } from "chai";
import { FILE, parse, problems } from "./problems.js";

const openai = { provider: "openai", model: "gpt-4o-mini", api_key: "sk-test" };
const scripted = { provider: "scripted", script: [{ text: "hi" }] };

/** Asserts that `raw` has exactly one problem: `<path>: <problem>`. */
function expectProblem(raw: unknown, path: string, problem: string): void {
  expect(problems(raw)).to.deep.equal([`${FILE}: ${path}: ${problem}`]);
}

describe("config: validation", () => {
  describe("the top level", () => {
    it("must be a mapping", () => {
      for (const raw of [[1, 2], "text", 42, null]) {
        expect(problems(raw), JSON.stringify(raw)).to.deep.equal([`${FILE}: top level must be a mapping`]);
      }
    });

    it("needs each section to be a mapping", () => {
      expectProblem({ server: 5 }, "server", "must be a mapping");
      expectProblem({ models: ["main"] }, "models", "must be a mapping");
      expectProblem({ mcp_servers: "none" }, "mcp_servers", "must be a mapping");
    });

    it("needs app to be a string", () => {
      expectProblem({ app: ["app.ts"] }, "app", "must be a string");
    });
  });

  describe("models", () => {
    it("needs a known provider", () => {
      expectProblem({ models: { main: { provider: "mistral", model: "m" } } }, "models.main.provider", "must be one of openai, anthropic, dashscope, gemini, ollama, scripted");
    });

    it("needs a provider", () => {
      expectProblem({ models: { main: { model: "m" } } }, "models.main.provider", "required");
    });

    it("needs each slot to be a mapping", () => {
      expectProblem({ models: { main: "openai" } }, "models.main", "must be a mapping");
    });

    it("needs a model name for every provider but scripted", () => {
      for (const provider of ["openai", "anthropic", "dashscope", "gemini", "ollama"]) {
        expectProblem({ models: { main: { provider } } }, "models.main.model", "required");
      }
      expectProblem({ models: { main: { ...openai, model: "" } } }, "models.main.model", "must not be empty");
    });

    it("needs base_url to be an http(s) URL", () => {
      expectProblem({ models: { main: { ...openai, base_url: "api.openai.com/v1" } } }, "models.main.base_url", "must be an http(s) URL");
      expectProblem({ models: { main: { ...openai, base_url: "ftp://api.openai.com" } } }, "models.main.base_url", "must be an http(s) URL");
      expect(parse({ models: { main: { ...openai, base_url: "http://localhost:11434" } } }).config.models["main"]?.base_url).to.equal("http://localhost:11434");
    });

    it("checks stream and the kwargs mappings", () => {
      expectProblem({ models: { main: { ...openai, stream: "maybe" } } }, "models.main.stream", "must be true or false");
      expectProblem({ models: { main: { ...openai, generate_kwargs: [1] } } }, "models.main.generate_kwargs", "must be a mapping");
      expectProblem({ models: { main: { ...openai, client_kwargs: "x" } } }, "models.main.client_kwargs", "must be a mapping");
    });

    it("rejects slot names that start with an underscore", () => {
      expectProblem({ models: { _private: openai } }, "models._private", 'slot names must not start with "_"');
    });

    it("rejects each reserved slot name", () => {
      for (const name of ["keys", "has", "size", "get", "then", "toJSON", "constructor"]) {
        expectProblem({ models: { [name]: openai } }, `models.${name}`, `"${name}" is reserved`);
      }
    });
  });

  describe("scripted models", () => {
    it("need a script", () => {
      expectProblem({ models: { demo: { provider: "scripted" } } }, "models.demo.script", "required");
    });

    it("need at least one step", () => {
      expectProblem({ models: { demo: { ...scripted, script: [] } } }, "models.demo.script", "must have at least one step");
    });

    it("need text, thinking or tool_calls in each step", () => {
      expectProblem({ models: { demo: { ...scripted, script: [{ text: "a" }, { usage: { input_tokens: 1, output_tokens: 1 } }] } } }, "models.demo.script[1]", "must have text, thinking or tool_calls");
      expect(parse({ models: { demo: { ...scripted, script: [{ thinking: "hmm" }] } } }).config.models["demo"]?.script).to.deep.equal([{ thinking: "hmm" }]);
    });

    it("need a name on each tool call", () => {
      const script = [{ text: "a" }, { tool_calls: [{ id: "c1", input: { q: "weather" } }] }];
      expectProblem({ models: { demo: { ...scripted, script } } }, "models.demo.script[1].tool_calls[0].name", "required");
    });

    it("need a tool call's input to be a mapping", () => {
      const script = [{ tool_calls: [{ name: "search", input: "weather" }] }];
      expectProblem({ models: { demo: { ...scripted, script } } }, "models.demo.script[0].tool_calls[0].input", "must be a mapping");
    });

    it("need usage to be two integers >= 0", () => {
      const withUsage = (usage: unknown): unknown => ({ models: { demo: { ...scripted, script: [{ text: "a", usage }] } } });
      expectProblem(withUsage({ input_tokens: -1, output_tokens: 5 }), "models.demo.script[0].usage.input_tokens", "must be an integer >= 0");
      expectProblem(withUsage({ input_tokens: 1, output_tokens: 2.5 }), "models.demo.script[0].usage.output_tokens", "must be an integer >= 0");
      expectProblem(withUsage({ input_tokens: 1 }), "models.demo.script[0].usage.output_tokens", "required");
    });

    it("check delay_ms, chunk_chars and exhausted", () => {
      expectProblem({ models: { demo: { ...scripted, delay_ms: -5 } } }, "models.demo.delay_ms", "must be a number >= 0");
      expectProblem({ models: { demo: { ...scripted, chunk_chars: 0 } } }, "models.demo.chunk_chars", "must be an integer >= 1");
      expectProblem({ models: { demo: { ...scripted, exhausted: "stop" } } }, "models.demo.exhausted", "must be one of cycle, error");
    });
  });

  describe("mcp_servers", () => {
    const http = { url: "http://localhost:3001/mcp" };

    it("needs a known transport", () => {
      expectProblem({ mcp_servers: { search: { ...http, transport: "websocket" } } }, "mcp_servers.search.transport", "must be one of streamable_http, sse, stdio");
    });

    it("needs a url unless stdio, and it must be http(s)", () => {
      expectProblem({ mcp_servers: { search: {} } }, "mcp_servers.search.url", "required");
      expectProblem({ mcp_servers: { search: { transport: "sse" } } }, "mcp_servers.search.url", "required");
      expectProblem({ mcp_servers: { search: { url: "localhost:3001" } } }, "mcp_servers.search.url", "must be an http(s) URL");
      expect(parse({ mcp_servers: { files: { transport: "stdio", command: "npx" } } }).config.mcp_servers["files"]?.transport).to.equal("stdio");
    });

    it("needs a command for stdio, and args to be strings", () => {
      expectProblem({ mcp_servers: { files: { transport: "stdio" } } }, "mcp_servers.files.command", "required");
      expectProblem({ mcp_servers: { files: { transport: "stdio", command: "npx", args: ["a", 1] } } }, "mcp_servers.files.args[1]", "must be a string");
    });

    it("needs header values to be strings", () => {
      expectProblem({ mcp_servers: { search: { ...http, headers: { "X-Retries": 3 } } } }, "mcp_servers.search.headers.X-Retries", "must be a string");
    });

    it("needs timeouts above zero and required to be a boolean", () => {
      expectProblem({ mcp_servers: { search: { ...http, timeout: 0 } } }, "mcp_servers.search.timeout", "must be a number > 0");
      expectProblem({ mcp_servers: { search: { ...http, sse_read_timeout: -1 } } }, "mcp_servers.search.sse_read_timeout", "must be a number > 0");
      expectProblem({ mcp_servers: { search: { ...http, required: "no" } } }, "mcp_servers.search.required", "must be true or false");
    });
  });

  describe("session", () => {
    it("needs a known backend", () => {
      expectProblem({ session: { backend: "sqlite" } }, "session.backend", "must be one of json, redis, memory");
    });

    it("needs a redis_url for the redis backend, starting with redis:// or rediss://", () => {
      expectProblem({ session: { backend: "redis" } }, "session.redis_url", "required");
      expectProblem({ session: { backend: "redis", redis_url: "http://localhost:6379" } }, "session.redis_url", "must start with redis:// or rediss://");
      expect(parse({ session: { backend: "redis", redis_url: "rediss://cache:6380/1" } }).config.session.redis_url).to.equal("rediss://cache:6380/1");
    });

    it("needs ttl above zero", () => {
      expectProblem({ session: { ttl: 0 } }, "session.ttl", "must be a number > 0");
    });
  });

  describe("platform and tracing", () => {
    it("need endpoints to be http(s) URLs", () => {
      expectProblem({ platform: { endpoint: "platform.example.com" } }, "platform.endpoint", "must be an http(s) URL");
      expectProblem({ tracing: { endpoint: "grpc://collector:4317" } }, "tracing.endpoint", "must be an http(s) URL");
    });

    it("needs heartbeat_interval above zero", () => {
      expectProblem({ platform: { heartbeat_interval: 0 } }, "platform.heartbeat_interval", "must be a number > 0");
    });
  });

  describe("server", () => {
    it("needs port to be an integer from 0 to 65535", () => {
      for (const port of [-1, 65536, 80.5, "http"]) {
        expectProblem({ server: { port } }, "server.port", "must be an integer from 0 to 65535");
      }
      expect(parse({ server: { port: 0 } }).config.server.port).to.equal(0);
      expect(parse({ server: { port: 65535 } }).config.server.port).to.equal(65535);
    });

    it("checks each bound", () => {
      expectProblem({ server: { workers: 0 } }, "server.workers", "must be an integer >= 1");
      expectProblem({ server: { tasks_per_worker: 0 } }, "server.tasks_per_worker", "must be an integer >= 1");
      expectProblem({ server: { max_queue: -1 } }, "server.max_queue", "must be an integer >= 0");
      expectProblem({ server: { request_timeout: 0 } }, "server.request_timeout", "must be a number > 0");
      expectProblem({ server: { drain_timeout: -1 } }, "server.drain_timeout", "must be a number >= 0");
      expectProblem({ server: { session_wait_timeout: -0.5 } }, "server.session_wait_timeout", "must be a number >= 0");
      expectProblem({ server: { worker_memory_mb: 16 } }, "server.worker_memory_mb", "must be an integer >= 32");
      expectProblem({ server: { host: 127 } }, "server.host", "must be a string");
    });

    it("accepts the bounds themselves", () => {
      const { config } = parse({ server: { max_queue: 0, drain_timeout: 0, session_wait_timeout: 0, worker_memory_mb: 32 } });
      expect(config.server).to.include({ max_queue: 0, drain_timeout: 0, session_wait_timeout: 0, worker_memory_mb: 32 });
    });

    it("needs body_limit to be a byte size", () => {
      expectProblem({ server: { body_limit: "lots" } }, "server.body_limit", "must be a byte size such as 512kb, 1mb or 1048576");
      expect(parse({ server: { body_limit: "100kb" } }).config.server.body_limit).to.equal("100kb");
      expect(parse({ server: { body_limit: 2048 } }).config.server.body_limit).to.equal(2048);
    });

    it("needs tokens to be non-empty strings", () => {
      for (const key of ["auth_token", "admin_token", "metrics_token"]) {
        expectProblem({ server: { [key]: "" } }, `server.${key}`, "must not be empty");
      }
    });
  });

  it("reports every problem at once, in one ConfigError", () => {
    const raw = {
      models: { main: { provider: "mistral" }, _hidden: openai },
      mcp_servers: { search: { transport: "stdio" } },
      session: { backend: "redis" },
      server: { port: 99999, workers: 0 },
    };
    expect(problems(raw)).to.deep.equal([
      `${FILE}: models.main.provider: must be one of openai, anthropic, dashscope, gemini, ollama, scripted`,
      `${FILE}: models._hidden: slot names must not start with "_"`,
      `${FILE}: mcp_servers.search.command: required`,
      `${FILE}: session.redis_url: required`,
      `${FILE}: server.port: must be an integer from 0 to 65535`,
      `${FILE}: server.workers: must be an integer >= 1`,
    ]);
  });
});
