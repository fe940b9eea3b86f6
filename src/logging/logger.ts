import { pino, type Logger as PinoLogger } from "pino";

export const LOG_LEVELS = ["debug", "info", "warning", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export type Logger = PinoLogger;

/**
 * Structured JSON lines on stdout: `level`, `time`, `msg` and the bindings.
 * Levels are named as the CLI names them (`warning`, not pino's `warn`).
 */
export function createLogger(level: LogLevel, bindings: Record<string, unknown> = {}): Logger {
  return pino(
    {
      level: level === "warning" ? "warn" : level,
      base: bindings,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label === "warn" ? "warning" : label }) },
    },
    // Synchronous writes to fd 1 work the same in worker threads and are not lost on exit.
    pino.destination({ dest: 1, sync: true }),
  );
}

/** A logger that writes nothing: the default where the caller gives none. */
export function silentLogger(): Logger {
  return pino({ enabled: false });
}
