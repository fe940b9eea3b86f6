import { expect } from "chai";
import { FILE, parse, problems } from "./problems.js";

describe("config: API keys", function () {
  it("requires an api_key for providers that need one, naming the slot and the variable", function () {
    expect(problems({ models: { main: { provider: "anthropic", model: "claude" }, g: { provider: "gemini", model: "gemini-2.5-flash" } } })).to.deep.equal([
      `${FILE}: models.main.api_key: required for provider anthropic (or set ANTHROPIC_API_KEY)`,
      `${FILE}: models.g.api_key: required for provider gemini (or set GEMINI_API_KEY or GOOGLE_API_KEY)`,
    ]);
  });

  it("accepts the provider's own environment variable instead", function () {
    expect(() => parse({ models: { main: { provider: "openai", model: "gpt" } } }, { OPENAI_API_KEY: "sk-env" })).not.to.throw();
    expect(() => parse({ models: { main: { provider: "dashscope", model: "qwen" } } }, { DASHSCOPE_API_KEY: "sk-env" })).not.to.throw();
  });

  it("needs no key for ollama and scripted", function () {
    expect(() => parse({ models: { o: { provider: "ollama", model: "llama3" }, s: { provider: "scripted", script: [{ text: "x" }] } } })).not.to.throw();
  });
});
