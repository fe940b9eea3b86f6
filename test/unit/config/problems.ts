import { expect } from "chai";
import { parseConfig } from "../../../src/config/index.js";
import { ConfigError } from "../../../src/errors.js";

export const FILE = "/project/agentapp.yaml";

/** The problems of the ConfigError that `run` throws. */
export function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    expect((error as ConfigError).code).to.equal("CONFIG_INVALID");
    return (error as ConfigError).problems;
  }
  throw new Error("expected a ConfigError, but nothing was thrown");
}

/** The problems `parseConfig` reports for `raw`. */
export function problems(raw: unknown, env: NodeJS.ProcessEnv = {}): readonly string[] {
  return problemsOf(() => parseConfig(raw, { file: FILE, env }));
}

/** Parses `raw` with an empty environment and the test file name. */
export function parse(raw: unknown, env: NodeJS.ProcessEnv = {}): ReturnType<typeof parseConfig> {
  return parseConfig(raw, { file: FILE, env });
}
