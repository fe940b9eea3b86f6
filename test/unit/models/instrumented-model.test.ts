import { expect } from "chai";
import { Msg } from "../../../src/message/index.js";
import { ScriptedModel, instrumentModel, type ModelCallReport } from "../../../src/models/index.js";

const question = new Msg({ name: "user", role: "user", content: "hello there" });

function setup(options: ConstructorParameters<typeof ScriptedModel>[0]) {
  const reports: ModelCallReport[] = [];
  const inner = new ScriptedModel(options);
  const model = instrumentModel("main", inner, (report) => reports.push(report));
  return { inner, model, reports };
}

describe("instrumentModel", function () {
  it("reports a call with provider, model, slot, tokens and duration, once", async function () {
    const { model, reports } = setup({ script: [{ text: "hi", usage: { inputTokens: 7, outputTokens: 2 } }], model: "demo" });
    await model.call([question]);
    expect(reports).to.have.length(1);
    expect(reports[0]).to.include({ slot: "main", provider: "scripted", model: "demo", outcome: "ok", inputTokens: 7, outputTokens: 2 });
    expect(reports[0]!.durationSeconds).to.be.a("number").at.least(0);
  });

  it("reports a stream with its time to first chunk, when it ends", async function () {
    const { model, reports } = setup({ script: [{ text: "a longer answer" }], chunkChars: 3 });
    let chunks = 0;
    for await (const _chunk of model.stream([question])) {
      chunks++;
      expect(reports).to.have.length(0);
    }
    expect(chunks).to.equal(5);
    expect(reports).to.have.length(1);
    expect(reports[0]!.outcome).to.equal("ok");
    expect(reports[0]!.timeToFirstChunkSeconds).to.be.a("number").at.most(reports[0]!.durationSeconds);
  });

  it("reports a stream the caller stopped reading as cancelled", async function () {
    const { model, reports } = setup({ script: [{ text: "a longer answer" }], chunkChars: 3 });
    for await (const _chunk of model.stream([question])) break;
    expect(reports.map((r) => r.outcome)).to.deep.equal(["cancelled"]);
  });

  it("reports a failure as error", async function () {
    const { model, reports } = setup({ script: [{ text: "once" }], exhausted: "error" });
    await model.call([question]);
    await model.call([question]).catch(() => {});
    expect(reports.map((r) => r.outcome)).to.deep.equal(["ok", "error"]);
  });

  it("keeps the model's class and its own members", async function () {
    const { inner, model } = setup({ script: [{ text: "x" }] });
    expect(model).to.be.instanceOf(ScriptedModel);
    await model.close();
    expect(model.closed).to.equal(true);
    expect(inner.closed).to.equal(true);
  });
});
