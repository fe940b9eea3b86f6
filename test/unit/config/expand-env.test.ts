import { expect } from "chai";
import { FILE, parse, problems } from "./problems.js";

describe("config: ${VAR} expansion", () => {
  it("replaces ${VAR} in a value", () => {
    const { config } = parse({ platform: { instance_id: "${INSTANCE_ID}" } }, { INSTANCE_ID: "i-42" });
    expect(config.platform.instance_id).to.equal("i-42");
  });

  it("replaces several references in one string", () => {
    const { config } = parse({ platform: { endpoint: "https://${HOST}:${PORT}/api" } }, { HOST: "platform.example.com", PORT: "8443" });
    expect(config.platform.endpoint).to.equal("https://platform.example.com:8443/api");
  });

  it("replaces references in lists and deep inside free-form mappings", () => {
    const { config } = parse(
      {
        mcp_servers: { files: { transport: "stdio", command: "npx", args: ["--root", "${ROOT}"], env: { HOME: "${ROOT}/home" } } },
        models: { main: { provider: "openai", model: "gpt", api_key: "k", generate_kwargs: { stop: ["${STOP}"], nested: { user: "${USER_ID}" } } } },
      },
      { ROOT: "/srv", STOP: "END", USER_ID: "u1" },
    );
    const files = config.mcp_servers["files"];
    expect(files?.transport === "stdio" && files.args).to.deep.equal(["--root", "/srv"]);
    expect(files?.transport === "stdio" && files.env).to.deep.equal({ HOME: "/srv/home" });
    expect(config.models["main"]?.generate_kwargs).to.deep.equal({ stop: ["END"], nested: { user: "u1" } });
  });

  it("uses the default of ${VAR:-default} when the variable is unset or empty", () => {
    const raw = { session: { save_dir: "${SAVE_DIR:-./data}" } };
    expect(parse(raw).config.session.save_dir).to.equal("./data");
    expect(parse(raw, { SAVE_DIR: "" }).config.session.save_dir).to.equal("./data");
    expect(parse(raw, { SAVE_DIR: "/var/sessions" }).config.session.save_dir).to.equal("/var/sessions");
  });

  it("gives an empty string for ${VAR:-}", () => {
    const { config } = parse({ session: { key_prefix: "${PREFIX:-}" } });
    expect(config.session.key_prefix).to.equal("");
  });

  it("keeps an empty variable that is set, for ${VAR}", () => {
    const { config } = parse({ session: { key_prefix: "${PREFIX}" } }, { PREFIX: "" });
    expect(config.session.key_prefix).to.equal("");
  });

  it("reports an unset variable with its name and key path", () => {
    expect(problems({ models: { main: { provider: "openai", model: "gpt", api_key: "${OPENAI_API_KEY}" } } })).to.deep.equal([
      `${FILE}: models.main.api_key: environment variable OPENAI_API_KEY is not set`,
    ]);
  });

  it("reports an unset variable inside a list with its index", () => {
    const raw = { mcp_servers: { files: { transport: "stdio", command: "npx", args: ["a", "${ARG}"] } } };
    expect(problems(raw)).to.deep.equal([`${FILE}: mcp_servers.files.args[1]: environment variable ARG is not set`]);
  });

  it("reports every unset variable, and no schema problem for the values they left empty", () => {
    const raw = {
      models: { main: { provider: "${PROVIDER}", api_key: "${KEY}" } },
      server: { port: "${PORT}" },
      session: { backend: "redis", redis_url: "${REDIS_URL}" },
    };
    expect(problems(raw)).to.deep.equal([
      `${FILE}: models.main.provider: environment variable PROVIDER is not set`,
      `${FILE}: models.main.api_key: environment variable KEY is not set`,
      `${FILE}: server.port: environment variable PORT is not set`,
      `${FILE}: session.redis_url: environment variable REDIS_URL is not set`,
    ]);
  });

  it("reports unset variables together with the schema's problems", () => {
    expect(problems({ server: { port: 70000, host: "${HOST}" } })).to.deep.equal([
      `${FILE}: server.host: environment variable HOST is not set`,
      `${FILE}: server.port: must be an integer from 0 to 65535`,
    ]);
  });

  it("reads numbers and booleans from expanded strings", () => {
    const raw = {
      server: { port: "${PORT:-8080}", request_timeout: "${TIMEOUT}", workers: "4" },
      models: { main: { provider: "openai", model: "gpt", api_key: "k", stream: "${STREAM}" } },
      mcp_servers: { search: { url: "http://localhost/mcp", required: "false", timeout: "2.5" } },
    };
    const { config } = parse(raw, { TIMEOUT: "12.5", STREAM: "false" });
    expect(config.server).to.include({ port: 8080, request_timeout: 12.5, workers: 4 });
    expect(config.models["main"]?.stream).to.equal(false);
    expect(config.mcp_servers["search"]).to.include({ required: false, timeout: 2.5 });
  });

  it("does not read other strings as numbers or booleans", () => {
    expect(problems({ server: { port: "eighty" }, models: { m: { provider: "openai", model: "x", stream: "yes" } } })).to.deep.equal([
      `${FILE}: models.m.stream: must be true or false`,
      `${FILE}: server.port: must be an integer from 0 to 65535`,
    ]);
  });

  it("does not modify the tree it was given", () => {
    const raw = { platform: { instance_id: "${ID}" } };
    parse(raw, { ID: "x" });
    expect(raw.platform.instance_id).to.equal("${ID}");
  });
});
