import { inspect } from "node:util";
import type { KeyPath } from "./key-path.js";
import { isPlainObject } from "./plain-object.js";
import { redactConfig } from "./redact.js";

/** The part of a redacted tree at `path`; a redacted secret stays `"***"`. */
function subtree(tree: unknown, path: KeyPath): unknown {
  let node = tree;
  for (const part of path) {
    if (typeof node !== "object" || node === null) return node;
    node = (node as Record<PropertyKey, unknown>)[part];
  }
  return node;
}

function hidden(target: object, key: PropertyKey, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: false, writable: true, configurable: true });
}

function attach(root: object, node: unknown, path: KeyPath): void {
  if (!Array.isArray(node) && !isPlainObject(node)) return;
  // Redacting from the root keeps the context a subtree needs (a `headers` mapping, say).
  const view = (): unknown => subtree(redactConfig(root), path);
  hidden(node, "toJSON", view);
  hidden(node, inspect.custom, view);
  const entries: Array<[PropertyKey, unknown]> = Array.isArray(node) ? node.map((item: unknown, i) => [i, item]) : Object.entries(node);
  for (const [key, child] of entries) attach(root, child, [...path, key]);
}

/**
 * Makes a config safe to print, in place: `JSON.stringify` and `util.inspect`
 * (so `console.log`) of the config or of any object or list inside it show
 * secrets as `"***"` (see `redactConfig`), while property access still
 * returns the real values.
 *
 * @example
 * const config = withRedactedPrinting(loaded.config);
 * console.log(config.models);         // api_key: '***'
 * config.models.main?.api_key;        // the real key
 */
export function withRedactedPrinting<T extends object>(config: T): T {
  attach(config, config, []);
  return config;
}
