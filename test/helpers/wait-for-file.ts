import { existsSync, watch } from "node:fs";
import path from "node:path";

/**
 * Resolves once `file` exists: watches its folder first, then checks, so a
 * file created at any moment after the call is seen.
 */
export function waitForFile(file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const watcher = watch(path.dirname(file), () => {
      if (existsSync(file)) done();
    });
    watcher.on("error", (error) => {
      watcher.close();
      reject(error);
    });
    function done(): void {
      watcher.close();
      resolve();
    }
    if (existsSync(file)) done();
  });
}
