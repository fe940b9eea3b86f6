import { expect } from "chai";
import { ScriptedModel } from "../../../src/models/index.js";
import { createModelRegistry } from "../../../src/runtime/model-registry.js";

describe("ModelRegistry", function () {
  const main = new ScriptedModel({ script: [{ text: "a" }] });
  const fast = new ScriptedModel({ script: [{ text: "b" }] });
  const models = createModelRegistry(new Map([["main", main], ["fast", fast]]));

  it("gives the same model by attribute and by index", function () {
    expect(models.main).to.equal(main);
    expect(models["fast"]).to.equal(fast);
    expect(models.get("main")).to.equal(main);
  });

  it("lists slots with keys(), has() and size, in config order", function () {
    expect(models.keys()).to.deep.equal(["main", "fast"]);
    expect(models.has("fast")).to.equal(true);
    expect(models.has("other")).to.equal(false);
    expect(models.size).to.equal(2);
    expect("main" in models).to.equal(true);
    expect(Object.keys(models)).to.deep.equal(["main", "fast"]);
  });

  it("throws on an unknown slot, listing the available ones", function () {
    expect(() => models["missing"]).to.throw(/no model slot "missing"; available: main, fast/);
    expect(() => createModelRegistry(new Map()).get("x")).to.throw(/\(none configured\)/);
  });

  it("never treats names starting with _ as slots", function () {
    expect((models as unknown as Record<string, unknown>)["_private"]).to.equal(undefined);
  });

  it("is not a thenable, so it can be returned from async functions", async function () {
    const resolved = await Promise.resolve(models);
    expect(resolved.size).to.equal(2);
  });
});
