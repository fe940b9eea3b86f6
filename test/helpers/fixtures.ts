import { readFile } from "node:fs/promises";
import path from "node:path";
import { REPO_ROOT } from "./agentscope-process.js";

/** The text of a fixture App under test/fixtures/apps. */
export function fixtureApp(name: string): Promise<string> {
  return readFile(path.join(REPO_ROOT, "test/fixtures/apps", name), "utf8");
}
