const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3, tb: 1024 ** 4 };
const SIZE = /^(\d+(?:\.\d+)?|\.\d+)\s*([kmgt]?b)?$/i;

/**
 * A byte count from a size such as `"512b"`, `"100kb"`, `"1mb"`, `"2gb"`
 * (units of 1024, case-insensitive) or a plain non-negative integer;
 * `undefined` when the value is not one.
 *
 * @example
 * parseByteSize("1mb"); // 1048576
 */
export function parseByteSize(value: string | number): number | undefined {
  if (typeof value === "number") return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  const match = SIZE.exec(value.trim());
  if (!match) return undefined;
  const unit = UNITS[(match[2] ?? "b").toLowerCase()] ?? 1;
  const bytes = Math.floor(Number(match[1]) * unit);
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}
