import { ConfigError, errorMessage } from "../errors.js";

/**
 * Prints a start-up failure for a person: one line per problem, the stack
 * only when they asked for debug logs.
 */
export function reportError(error: unknown, debug: boolean): void {
  if (error instanceof ConfigError) {
    for (const problem of error.problems) process.stderr.write(`Error in ${problem}\n`);
  } else {
    process.stderr.write(`Error: ${errorMessage(error)}\n`);
  }
  if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
}
