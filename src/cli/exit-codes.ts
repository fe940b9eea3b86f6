/** The process's exit codes; only bin/agentscope.ts passes them to process.exit. */
export const ExitCode = {
  OK: 0,
  /** Start-up failed: the App, a model or a worker could not start. */
  FAILURE: 1,
  /** The config is invalid or the command line is wrong. */
  CONFIG: 2,
  /** Interrupted: a second SIGINT/SIGTERM while draining, or Ctrl-C during `invoke`. */
  FORCED: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
