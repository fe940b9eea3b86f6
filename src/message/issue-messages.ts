import type { z } from "zod";

type ErrorMap = z.core.$ZodErrorMap;
type Issue = z.core.$ZodIssue;

/**
 * Short, human messages for zod's issues, so a rejected message reads
 * `message.role: must be one of user, assistant, system` rather than a zod dump.
 */
export const issueMessage: ErrorMap = (issue) => {
  if (issue.input === undefined) return "required";
  switch (issue.code) {
    case "invalid_type":
      return `expected ${article(issue.expected)}`;
    case "invalid_value":
      return `must be one of ${issue.values.map(String).join(", ")}`;
    default:
      return undefined;
  }
};

/** For a union: "required" when the field is absent, else `message`. */
export function requiredOr(message: string): ErrorMap {
  return (issue) => {
    if (issue.code !== "invalid_union") return undefined;
    return issue.input === undefined ? "required" : message;
  };
}

/**
 * For a discriminated union whose `type` matched no option. zod reports it at
 * `<path>.type` but hands over the whole object as input.
 */
export function unknownType(kind: string): ErrorMap {
  return (issue) => {
    if (issue.code !== "invalid_union") return undefined;
    const input = issue.input;
    const type = typeof input === "object" && input !== null ? (input as { type?: unknown }).type : undefined;
    return type === undefined ? "required" : `unknown ${kind} type ${preview(type)}`;
  };
}

/** One `<path>: <problem>` line per problem, the path starting at `prefix`. */
export function formatIssues(issues: readonly Issue[], prefix: string): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    const path = prefix + formatPath(issue.path);
    const branch = issue.code === "invalid_union" ? onlyPlausibleBranch(issue.errors) : undefined;
    if (branch) lines.push(...formatIssues(branch, path));
    else lines.push(`${path}: ${issue.message}`);
  }
  return lines;
}

// A union fails every branch; the branches that failed only because the value
// has another type are noise. When one branch remains (an array of blocks with
// one bad block), its own problems are the ones worth naming.
function onlyPlausibleBranch(branches: readonly Issue[][]): Issue[] | undefined {
  const plausible = branches.filter((issues) => !(issues.length === 1 && isWrongType(issues[0]!)));
  return plausible.length === 1 ? plausible[0] : undefined;
}

function isWrongType(issue: Issue): boolean {
  return issue.code === "invalid_type" && issue.path.length === 0;
}

function formatPath(path: readonly PropertyKey[]): string {
  let text = "";
  // Keys come from the schema, never from the input, so they are plain names.
  for (const key of path) text += typeof key === "number" ? `[${key}]` : `.${String(key)}`;
  return text;
}

function article(expected: string): string {
  if (expected === "record") return "an object";
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
