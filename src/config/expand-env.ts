import type { KeyPath } from "./key-path.js";
import { isPlainObject } from "./plain-object.js";

/** A `${VAR}` whose variable is not set and has no default. */
export interface UnsetVariable {
  path: KeyPath;
  variable: string;
}

export interface Expansion {
  /** A fresh copy of the tree with every reference replaced. */
  value: unknown;
  unset: UnsetVariable[];
  /** Where the tree contains itself (a YAML alias to an ancestor); cut there. */
  cycles: KeyPath[];
}

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Replaces `${VAR}` and `${VAR:-default}` in every string of the tree, in
 * mappings and lists. As in the shell, the default applies when the variable
 * is unset or empty; an unset variable without a default becomes "" and is
 * reported with its key path.
 */
export function expandEnv(tree: unknown, env: NodeJS.ProcessEnv): Expansion {
  const unset: UnsetVariable[] = [];
  const cycles: KeyPath[] = [];
  const ancestors = new Set<object>();

  const expandString = (text: string, path: KeyPath): string =>
    text.replace(REFERENCE, (_match, variable: string, fallback: string | undefined) => {
      const value = env[variable];
      if (fallback !== undefined) return value === undefined || value === "" ? fallback : value;
      if (value !== undefined) return value;
      unset.push({ path, variable });
      return "";
    });

  const visit = (node: unknown, path: KeyPath): unknown => {
    if (typeof node === "string") return expandString(node, path);
    if (!Array.isArray(node) && !isPlainObject(node)) return node;
    if (ancestors.has(node)) {
      cycles.push(path);
      return undefined;
    }
    ancestors.add(node);
    try {
      if (Array.isArray(node)) return node.map((item: unknown, i) => visit(item, [...path, i]));
      const copy: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(node)) {
        // defineProperty, so that a "__proto__" key stays a plain key.
        Object.defineProperty(copy, key, { value: visit(item, [...path, key]), enumerable: true, writable: true, configurable: true });
      }
      return copy;
    } finally {
      ancestors.delete(node);
    }
  };

  return { value: visit(tree, []), unset, cycles };
}
