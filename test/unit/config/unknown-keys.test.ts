import { expect } from "chai";
import { FILE, parse, problems } from "./problems.js";

describe("config: unknown keys", () => {
  it("warns about each unknown key, at any depth, and drops it", () => {
    const { config, warnings } = parse({
      version: 2,
      server: { port: 9000, threads: 4 },
      models: { demo: { provider: "scripted", script: [{ text: "a", mood: "happy", tool_calls: [{ name: "s", args: {} }] }] } },
    });
    expect(warnings).to.have.members([
      `${FILE}: version: unknown key, ignored`,
      `${FILE}: models.demo.script[0].mood: unknown key, ignored`,
      `${FILE}: models.demo.script[0].tool_calls[0].args: unknown key, ignored`,
      `${FILE}: server.threads: unknown key, ignored`,
    ]);
    expect(config).not.to.have.property("version");
    expect(config.server).not.to.have.property("threads");
    expect(config.server.port).to.equal(9000);
    expect(config.models["demo"]?.script).to.deep.equal([{ text: "a", tool_calls: [{ name: "s", input: {} }] }]);
  });

  it("treats the scripted keys of a provider model as unknown", () => {
    const { config, warnings } = parse({
      models: { main: { provider: "openai", model: "gpt", api_key: "k", script: [{ text: "a" }], delay_ms: 5, chunk_chars: 2, exhausted: "error" } },
    });
    expect(warnings).to.deep.equal(
      ["script", "delay_ms", "chunk_chars", "exhausted"].map((key) => `${FILE}: models.main.${key}: unknown key, ignored`),
    );
    expect(config.models["main"]).to.deep.equal({ provider: "openai", model: "gpt", api_key: "k", stream: true, generate_kwargs: {}, client_kwargs: {} });
  });

  it("treats stdio keys on an HTTP server, and url on a stdio server, as unknown", () => {
    const { config, warnings } = parse({
      mcp_servers: {
        search: { url: "http://localhost/mcp", command: "npx" },
        files: { transport: "stdio", command: "npx", url: "http://localhost/mcp" },
      },
    });
    expect(warnings).to.deep.equal([
      `${FILE}: mcp_servers.search.command: unknown key, ignored`,
      `${FILE}: mcp_servers.files.url: unknown key, ignored`,
    ]);
    expect(config.mcp_servers["search"]).not.to.have.property("command");
    expect(config.mcp_servers["files"]).not.to.have.property("url");
  });

  it("does not warn about keys inside free-form mappings", () => {
    const { config, warnings } = parse({
      models: { main: { provider: "openai", model: "gpt", api_key: "k", generate_kwargs: { temperature: 0.7 }, client_kwargs: { organization: "org" } } },
      mcp_servers: { search: { url: "http://localhost/mcp", headers: { "X-Custom": "1" } } },
    });
    expect(warnings).to.deep.equal([]);
    expect(config.models["main"]?.generate_kwargs).to.deep.equal({ temperature: 0.7 });
  });

  it("reports real problems even when there are unknown keys too", () => {
    expect(problems({ extra: 1, server: { port: -1 } })).to.deep.equal([`${FILE}: server.port: must be an integer from 0 to 65535`]);
  });
});
