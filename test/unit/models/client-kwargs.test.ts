import { expect } from "chai";
import { sdkClientOptions } from "../../../src/models/client-kwargs.js";

describe("sdkClientOptions", function () {
  it("maps the Python runtime's names to the TypeScript SDKs'", function () {
    expect(sdkClientOptions({ timeout: 30, max_retries: 0, default_headers: { "X-A": "1" } })).to.deep.equal({
      timeout: 30_000,
      maxRetries: 0,
      defaultHeaders: { "X-A": "1" },
    });
  });

  it("passes other keys through, snake_case turned to camelCase", function () {
    expect(sdkClientOptions({ organization: "org", default_query: { a: "b" }, fetchOptions: {} })).to.deep.equal({
      organization: "org",
      defaultQuery: { a: "b" },
      fetchOptions: {},
    });
  });

  it("maps base_url to the SDKs' baseURL", function () {
    expect(sdkClientOptions({ base_url: "http://h/v1" })).to.deep.equal({ baseURL: "http://h/v1" });
  });

  it("takes a large timeout as milliseconds already", function () {
    expect(sdkClientOptions({ timeout: 45_000 }).timeout).to.equal(45_000);
  });
});
