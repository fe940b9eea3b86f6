import { z } from "zod";

/**
 * Field schemas shared by the config sections. Each carries one short message
 * for every way it can fail; a missing value falls through to "required".
 * After `${VAR}` expansion values are strings, so numbers and booleans also
 * accept their string spelling ("8080", "true").
 */

/** An error map that gives `message`, except for a missing value. */
function unlessMissing(message: string): (issue: { input?: unknown }) => string | undefined {
  return (issue) => (issue.input === undefined ? undefined : message);
}

const NUMERIC = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

function numberFromString(value: unknown): unknown {
  return typeof value === "string" && NUMERIC.test(value.trim()) ? Number(value) : value;
}

function booleanFromString(value: unknown): unknown {
  if (value === "true") return true;
  if (value === "false") return false;
  return value;
}

/** An integer from `min` to `max` (inclusive), or from `min` up. */
export function integer(min: number, max?: number) {
  const error = unlessMissing(max === undefined ? `must be an integer >= ${min}` : `must be an integer from ${min} to ${max}`);
  let schema = z.int({ error }).min(min, { error });
  if (max !== undefined) schema = schema.max(max, { error });
  return z.preprocess(numberFromString, schema);
}

/** A number (seconds, milliseconds) greater than zero. */
export function positiveNumber() {
  const error = unlessMissing("must be a number > 0");
  return z.preprocess(numberFromString, z.number({ error }).gt(0, { error }));
}

/** A number zero or greater. */
export function nonNegativeNumber() {
  const error = unlessMissing("must be a number >= 0");
  return z.preprocess(numberFromString, z.number({ error }).min(0, { error }));
}

/** `true` or `false`. */
export function boolean() {
  return z.preprocess(booleanFromString, z.boolean({ error: unlessMissing("must be true or false") }));
}

/** A string with at least one character. */
export function nonEmptyString() {
  return z.string().min(1, { error: "must not be empty" });
}

function isHttpUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const { protocol } = new URL(value);
  return protocol === "http:" || protocol === "https:";
}

/** An absolute http:// or https:// URL. */
export function httpUrl() {
  return z.string().refine(isHttpUrl, { error: "must be an http(s) URL" });
}

/** A Redis connection URL. */
export function redisUrl() {
  return z.string().refine((value) => /^rediss?:\/\//.test(value), { error: "must start with redis:// or rediss://" });
}

/** A free-form mapping, passed on as is (`generate_kwargs`, a tool call's `input`). */
export function mapping() {
  return z.record(z.string(), z.unknown());
}

/** A mapping of strings to strings (headers, environment variables). */
export function stringMapping() {
  return z.record(z.string(), z.string());
}
