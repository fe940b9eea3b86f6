import { expect } from "chai";
import { parseByteSize } from "../../../src/config/index.js";

describe("config: parseByteSize", () => {
  it("reads sizes in b, kb, mb and gb, in units of 1024", () => {
    expect(parseByteSize("512b")).to.equal(512);
    expect(parseByteSize("100kb")).to.equal(102_400);
    expect(parseByteSize("1mb")).to.equal(1_048_576);
    expect(parseByteSize("2gb")).to.equal(2 * 1024 ** 3);
  });

  it("ignores case and spaces, and accepts a fraction", () => {
    expect(parseByteSize("1MB")).to.equal(1_048_576);
    expect(parseByteSize(" 10 kb ")).to.equal(10_240);
    expect(parseByteSize("1.5kb")).to.equal(1536);
  });

  it("takes a plain count of bytes, as a number or a string", () => {
    expect(parseByteSize(1234)).to.equal(1234);
    expect(parseByteSize("1234")).to.equal(1234);
    expect(parseByteSize(0)).to.equal(0);
  });

  it("gives undefined for anything else", () => {
    for (const value of ["", "mb", "1xb", "-1mb", "1 m b", "one mb", "1e3"]) {
      expect(parseByteSize(value), value).to.equal(undefined);
    }
    for (const value of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(parseByteSize(value), String(value)).to.equal(undefined);
    }
  });
});
