import type { z } from "zod";

const TYPE_NAMES: Record<string, string> = {
  string: "a string",
  number: "a number",
  boolean: "true or false",
  object: "a mapping",
  record: "a mapping",
  array: "a list",
};

/**
 * Short, human wording for the issues no field gave its own message for
 * (the fields in `fields.ts` word their bounds themselves). It never quotes
 * the offending value, which may be a secret.
 */
export const describeIssue: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case "invalid_type":
      return issue.input === undefined ? "required" : `must be ${TYPE_NAMES[issue.expected] ?? issue.expected}`;
    case "invalid_value":
      return `must be one of ${issue.values.map(String).join(", ")}`;
    case "invalid_key":
      return issue.issues[0]?.message ?? "invalid key";
    default:
      return "invalid value";
  }
};
