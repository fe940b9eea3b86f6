import { expect } from "chai";
import { ModelError } from "../../../src/models/model-error.js";
import { toModelError } from "../../../src/models/to-model-error.js";

const context = { provider: "openai", model: "gpt-x", apiKey: "sk-secret-key-123" };

function withStatus(status: number, message: string): Error {
  return Object.assign(new Error(message), { status });
}

describe("toModelError", function () {
  it("keeps the HTTP status and marks 429 and 5xx retryable, 4xx not", function () {
    const limited = toModelError(withStatus(429, "slow down"), context) as ModelError;
    expect(limited).to.be.instanceOf(ModelError);
    expect(limited).to.include({ status: 429, retryable: true, provider: "openai", model: "gpt-x" });
    expect(limited.message).to.equal("openai model gpt-x: HTTP 429: slow down");
    expect((toModelError(withStatus(500, "boom"), context) as ModelError).retryable).to.equal(true);
    expect((toModelError(withStatus(401, "bad key"), context) as ModelError).retryable).to.equal(false);
  });

  it("does not repeat a status the SDK's message starts with", function () {
    expect((toModelError(withStatus(401, "401 Incorrect key"), context) as ModelError).message).to.equal("openai model gpt-x: HTTP 401 Incorrect key");
  });

  it("finds a connection code under an SDK's generic wrapper", function () {
    const wrapped = new Error("Connection error.", {
      cause: new Error("fetch failed", { cause: Object.assign(new Error("connect"), { code: "ECONNREFUSED" }) }),
    });
    expect((toModelError(wrapped, context) as ModelError).message).to.contain("(ECONNREFUSED)");
  });

  it("reads Ollama's status_code too", function () {
    const error = Object.assign(new Error("nope"), { status_code: 404 });
    expect((toModelError(error, context) as ModelError).status).to.equal(404);
  });

  it("marks a refused connection retryable, found along the cause chain", function () {
    const refused = new Error("Connection error.", { cause: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }) });
    const error = toModelError(refused, context) as ModelError;
    expect(error.retryable).to.equal(true);
    expect(error.status).to.equal(undefined);
    expect(error.message).to.contain("cannot reach the provider (ECONNREFUSED)");
  });

  it("never lets the API key through, in the message or the cause", function () {
    const leaky = withStatus(401, "Incorrect API key provided: sk-secret-key-123");
    const error = toModelError(leaky, context) as ModelError;
    expect(error.message).not.to.contain("sk-secret-key-123");
    expect(String(error.cause)).not.to.contain("sk-secret-key-123");
    expect((error.cause as Error).stack).not.to.contain("sk-secret-key-123");
  });

  it("passes aborts through unwrapped", function () {
    const abort = new DOMException("aborted", "AbortError");
    expect(toModelError(abort, context)).to.equal(abort);
    const controller = new AbortController();
    controller.abort();
    const other = new Error("socket hang up");
    expect(toModelError(other, { ...context, signal: controller.signal })).to.equal(other);
  });
});
