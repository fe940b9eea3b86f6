import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

export interface TempProject {
  dir: string;
  /** Writes (or overwrites) one file of the project. */
  write(file: string, text: string): Promise<void>;
  remove(): Promise<void>;
}

/**
 * A project folder under the system temp dir, outside this repository and
 * with no node_modules, as a user's project would be.
 */
export async function tempProject(files: Record<string, string>): Promise<TempProject> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "agentscope-test-"));
  const write = async (file: string, text: string): Promise<void> => {
    const target = path.join(dir, file);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, text);
  };
  for (const [file, text] of Object.entries(files)) await write(file, text);
  return { dir, write, remove: () => rm(dir, { recursive: true, force: true }) };
}
