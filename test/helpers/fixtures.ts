import { readFile } from "node:fs/promises";
import path from "node:path";
import { REPO_ROOT } from "./agentscope-process.js";

/** The text of a fixture App under test/fixtures/apps. */
export function fixtureApp(name: string): Promise<string> {
  return readFile(path.join(REPO_ROOT, "test/fixtures/apps", name), "utf8");
}

/** The files of a project serving the probe App (test/fixtures/apps/probe-app.ts), with this config. */
export async function probeProject(config: string): Promise<Record<string, string>> {
  return {
    "agentapp.yaml": config,
    "app.ts": await fixtureApp("probe-app.ts"),
    "reply.ts": await fixtureApp("reply.ts"),
  };
}
