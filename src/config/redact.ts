import { isPlainObject } from "./plain-object.js";

const REDACTED = "***";

/** Mappings whose every value is a secret: an MCP server's `headers` and stdio `env`. */
const SECRET_MAPPINGS = new Set(["headers", "env"]);

const SECRET_KEY = /(^token|_key|_token|secret|password)$/;

/** `api_key`, `apiKey`, `X-Api-Key`, `auth_token`, `client_secret`, `password`, ... */
function isSecretKey(key: string): boolean {
  const normalized = key
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/-/g, "_")
    .toLowerCase();
  return SECRET_KEY.test(normalized);
}

const USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)@/i;

/** `redis://:pw@host` → `redis://:***@host`; `https://user:pw@h` → `https://user:***@h`; `https://tok@h` → `https://***@h`. */
function redactUrl(text: string): string {
  return text.replace(USERINFO, (_match, scheme: string, userinfo: string) => {
    const colon = userinfo.indexOf(":");
    return `${scheme}${colon === -1 ? REDACTED : `${userinfo.slice(0, colon + 1)}${REDACTED}`}@`;
  });
}

function hide(value: unknown): unknown {
  return value === undefined || value === null ? value : REDACTED;
}

function redactNode(value: unknown, ancestors: Set<object>): unknown {
  if (typeof value === "string") return redactUrl(value);
  if (!Array.isArray(value) && !isPlainObject(value)) return value;
  if (ancestors.has(value)) return "[Circular]";
  ancestors.add(value);
  try {
    if (Array.isArray(value)) return value.map((item: unknown) => redactNode(item, ancestors));
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      let redacted: unknown;
      if (isSecretKey(key)) redacted = hide(item);
      else if (SECRET_MAPPINGS.has(key) && isPlainObject(item)) redacted = Object.fromEntries(Object.entries(item).map(([name, v]) => [name, hide(v)]));
      else redacted = redactNode(item, ancestors);
      Object.defineProperty(copy, key, { value: redacted, enumerable: true, writable: true, configurable: true });
    }
    return copy;
  } finally {
    ancestors.delete(value);
  }
}

/**
 * A deep copy of a config (or any part of one) with every secret replaced by
 * `"***"`: API keys and tokens (any key ending in `_key`, `_token`, `secret`
 * or `password`), every value of an MCP server's `headers` and `env`, and the
 * password in URLs.
 *
 * @example
 * redactConfig({ api_key: "sk-1", url: "redis://:pw@host" }); // { api_key: "***", url: "redis://:***@host" }
 */
export function redactConfig<T>(value: T): T {
  return redactNode(value, new Set()) as T;
}
