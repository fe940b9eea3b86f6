import { watch, type FSWatcher } from "node:fs";
import path from "node:path";

const DEBOUNCE_MS = 250;

/**
 * Calls `onChange` when the config file changes. It watches the folder, not
 * the file: editors and Kubernetes ConfigMaps replace the file (a rename),
 * which a watch on the file itself would stop seeing. A burst of events is
 * one change.
 */
export class ConfigWatcher {
  readonly #file: string;
  readonly #onChange: () => void;
  #watcher: FSWatcher | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(file: string, onChange: () => void) {
    this.#file = file;
    this.#onChange = onChange;
  }

  start(): void {
    if (this.#watcher !== undefined) return;
    const name = path.basename(this.#file);
    this.#watcher = watch(path.dirname(this.#file), (_event, changed) => {
      // A ConfigMap swaps a `..data` symlink: any change of the folder may be the file.
      if (changed !== null && changed !== name && !changed.startsWith("..")) return;
      clearTimeout(this.#timer);
      this.#timer = setTimeout(this.#onChange, DEBOUNCE_MS);
    });
    this.#watcher.on("error", () => this.close());
    this.#watcher.unref();
  }

  close(): void {
    clearTimeout(this.#timer);
    this.#watcher?.close();
    this.#watcher = undefined;
  }
}
