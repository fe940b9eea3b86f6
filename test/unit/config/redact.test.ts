import { expect } from "chai";
import { inspect } from "node:util";
import { parseConfig, redactConfig, withRedactedPrinting, type AppConfig } from "../../../src/config/index.js";
import { FILE, problems } from "./problems.js";

const SECRETS = ["sk-openai-SECRET", "hdr-SECRET", "env-SECRET", "redis-SECRET", "platform-SECRET", "auth-SECRET", "admin-SECRET", "metrics-SECRET", "url-SECRET"];

/** A config holding every kind of secret. */
function configWithSecrets(): AppConfig {
  return parseConfig(
    {
      models: { main: { provider: "openai", model: "gpt-4o-mini", api_key: "${OPENAI_API_KEY}", base_url: "https://bob:url-SECRET@llm.example.com/v1" } },
      mcp_servers: {
        search: { url: "http://localhost:3001/mcp", headers: { Authorization: "Bearer ${MCP_TOKEN}" } },
        files: { transport: "stdio", command: "npx", env: { GITHUB_PAT: "env-SECRET" } },
      },
      session: { backend: "redis", redis_url: "redis://:redis-SECRET@cache:6379/0" },
      platform: { endpoint: "https://platform.example.com/api", token: "platform-SECRET" },
      server: { auth_token: "auth-SECRET", admin_token: "admin-SECRET", metrics_token: "metrics-SECRET" },
    },
    { file: FILE, env: { OPENAI_API_KEY: "sk-openai-SECRET", MCP_TOKEN: "hdr-SECRET" } },
  ).config;
}

function expectNoSecret(text: string): void {
  for (const secret of SECRETS) expect(text, secret).not.to.include(secret);
}

describe("config: redaction", () => {
  describe("redactConfig", () => {
    it("replaces keys, tokens, passwords and secrets with ***", () => {
      const redacted = redactConfig({
        api_key: "a",
        token: "b",
        auth_token: "c",
        admin_token: "d",
        metrics_token: "e",
        nested: { access_key: "f", refresh_token: "g", client_secret: "h", db_password: "i", apiKey: "j", "X-Api-Key": "k" },
        list: [{ secret: "l" }],
      });
      expect(redacted).to.deep.equal({
        api_key: "***",
        token: "***",
        auth_token: "***",
        admin_token: "***",
        metrics_token: "***",
        nested: { access_key: "***", refresh_token: "***", client_secret: "***", db_password: "***", apiKey: "***", "X-Api-Key": "***" },
        list: [{ secret: "***" }],
      });
    });

    it("leaves other values, and absent secrets, as they are", () => {
      const value = { model: "gpt", key_prefix: "agentscope:session:", port: 8080, stream: true, tokens: 5, api_key: undefined };
      expect(redactConfig(value)).to.deep.equal(value);
    });

    it("replaces every header and environment value", () => {
      expect(redactConfig({ headers: { Authorization: "Bearer x", "X-Tenant": "t" }, env: { PAT: "p" } })).to.deep.equal({
        headers: { Authorization: "***", "X-Tenant": "***" },
        env: { PAT: "***" },
      });
    });

    it("replaces the password of a URL", () => {
      expect(redactConfig("redis://:pw@host:6379/0")).to.equal("redis://:***@host:6379/0");
      expect(redactConfig("https://user:pw@h/x")).to.equal("https://user:***@h/x");
      expect(redactConfig("https://token@h/x")).to.equal("https://***@h/x");
      expect(redactConfig({ urls: ["rediss://u:p@cache"] })).to.deep.equal({ urls: ["rediss://u:***@cache"] });
      expect(redactConfig("https://example.com/a@b")).to.equal("https://example.com/a@b");
    });

    it("copies, leaving the original untouched", () => {
      const config = configWithSecrets();
      const redacted = redactConfig(config);
      expect(redacted).not.to.equal(config);
      expect(redacted.models["main"]?.api_key).to.equal("***");
      expect(config.models["main"]?.api_key).to.equal("sk-openai-SECRET");
    });

    it("redacts every secret of a parsed config", () => {
      const redacted = redactConfig(configWithSecrets());
      expectNoSecret(JSON.stringify(redacted));
      expect(redacted.session.redis_url).to.equal("redis://:***@cache:6379/0");
      expect(redacted.models["main"]?.base_url).to.equal("https://bob:***@llm.example.com/v1");
      expect(redacted.mcp_servers["search"]?.headers).to.deep.equal({ Authorization: "***" });
      expect(redacted.server).to.include({ auth_token: "***", admin_token: "***", metrics_token: "***" });
    });
  });

  describe("withRedactedPrinting", () => {
    it("returns the same object, whose real values stay readable", () => {
      const config = configWithSecrets();
      const printable = withRedactedPrinting(config);
      expect(printable).to.equal(config);
      expect(printable.models["main"]?.api_key).to.equal("sk-openai-SECRET");
      expect(printable.mcp_servers["search"]?.headers["Authorization"]).to.equal("Bearer hdr-SECRET");
      expect(printable.server.auth_token).to.equal("auth-SECRET");
    });

    it("hides secrets from JSON.stringify, of the root and of any part", () => {
      const config = withRedactedPrinting(configWithSecrets());
      const json = JSON.stringify(config);
      expectNoSecret(json);
      expect(JSON.parse(json)).to.deep.equal(redactConfig(configWithSecrets()));
      expectNoSecret(JSON.stringify(config.models));
      expectNoSecret(JSON.stringify(config.mcp_servers["search"]?.headers));
      expect(JSON.parse(JSON.stringify(config.mcp_servers["search"]?.headers))).to.deep.equal({ Authorization: "***" });
    });

    it("hides secrets from util.inspect (console.log), of the root and of nested objects", () => {
      const config = withRedactedPrinting(configWithSecrets());
      const root = inspect(config, { depth: null });
      expectNoSecret(root);
      expect(root).to.include("api_key: '***'");
      expectNoSecret(inspect(config.models, { depth: null }));
      expect(inspect(config.models, { depth: null })).to.include("model: 'gpt-4o-mini'");
      expectNoSecret(inspect(config.mcp_servers, { depth: null }));
      expect(inspect(config.mcp_servers["files"]?.transport === "stdio" && config.mcp_servers["files"].env)).to.include("'***'");
      expectNoSecret(inspect(config.session));
      expect(inspect(config.server)).to.include("auth_token: '***'");
    });

    it("adds nothing enumerable", () => {
      const config = withRedactedPrinting(configWithSecrets());
      expect(Object.keys(config)).to.deep.equal(["models", "mcp_servers", "session", "platform", "tracing", "server"]);
      expect(Object.keys(config.server)).not.to.include("toJSON");
      expect({ ...config.session }).to.deep.equal(configWithSecrets().session);
    });
    it("can still be sent to a worker thread (structured clone), real values included", () => {
      const copy = structuredClone(withRedactedPrinting(configWithSecrets()));
      expect(copy.models["main"]?.api_key).to.equal("sk-openai-SECRET");
    });
  });

  describe("error messages and warnings", () => {
    it("name a bad secret's key, never its value", () => {
      const found = problems({
        models: { main: { provider: "openai", model: "m", api_key: ["sk-live-SECRET-1"], base_url: "https://sk-live-SECRET-2 bad" } },
        session: { backend: "redis", redis_url: "http://:sk-live-SECRET-3@cache" },
        platform: { token: 12345678987654 },
        mcp_servers: { search: { url: "http://localhost/mcp", headers: { Authorization: ["sk-live-SECRET-4"] } } },
      });
      expect(found).to.deep.equal([
        `${FILE}: models.main.api_key: must be a string`,
        `${FILE}: models.main.base_url: must be an http(s) URL`,
        `${FILE}: mcp_servers.search.headers.Authorization: must be a string`,
        `${FILE}: session.redis_url: must start with redis:// or rediss://`,
        `${FILE}: platform.token: must be a string`,
      ]);
      const text = found.join("\n");
      expect(text).not.to.match(/SECRET|12345678987654/);
    });

    it("name an unknown key, never its value", () => {
      const { warnings } = parseConfig({ platform: { secret_token_old: "sk-live-SECRET" } }, { file: FILE, env: {} });
      expect(warnings).to.deep.equal([`${FILE}: platform.secret_token_old: unknown key, ignored`]);
    });
  });
});
