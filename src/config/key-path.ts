/** A location in the config tree: mapping keys and list indexes. */
export type KeyPath = ReadonlyArray<PropertyKey>;

/** `["models", "demo", "script", 1, "name"]` as `models.demo.script[1].name`. */
export function formatKeyPath(path: KeyPath): string {
  let text = "";
  for (const part of path) {
    if (typeof part === "number") text += `[${part}]`;
    else text += text === "" ? String(part) : `.${String(part)}`;
  }
  return text;
}

/** Whether `path` is `prefix` or lies below it. */
export function startsWithPath(path: KeyPath, prefix: KeyPath): boolean {
  return prefix.length <= path.length && prefix.every((part, i) => part === path[i]);
}

/** A problem line: `<file>: <key path>: <problem>`, or `<file>: <problem>` at the top. */
export function problemAt(file: string, path: KeyPath, problem: string): string {
  return path.length === 0 ? `${file}: ${problem}` : `${file}: ${formatKeyPath(path)}: ${problem}`;
}
