import type { ContentBlock } from "../message/index.js";

/** What a tool function returned, as a `tool_result` output: text, or content blocks as they are. */
export function toToolOutput(value: unknown): string | ContentBlock[] {
  if (typeof value === "string") return value;
  if (value === undefined || value === null) return "";
  if (Array.isArray(value) && value.length > 0 && value.every(isBlock)) return value as ContentBlock[];
  return JSON.stringify(value);
}

function isBlock(value: unknown): boolean {
  return typeof value === "object" && value !== null && typeof (value as { type?: unknown }).type === "string";
}
