import type { CommandModule } from "yargs";
import type { AppConfig } from "../config/index.js";
import { LOG_LEVELS, createLogger, type LogLevel } from "../logging/logger.js";
import { Supervisor } from "../supervisor/index.js";
import { ExitCode } from "./exit-codes.js";
import { loadProjectConfig, withProjectOptions, type ProjectArgs } from "./project-options.js";
import { reportError } from "./report-error.js";

interface RunArgs extends ProjectArgs {
  port: number | undefined;
  host: string | undefined;
  workers: number | undefined;
  platform: boolean;
  "log-level": LogLevel;
}

/** `agentscope run`: serves a project until SIGTERM or SIGINT. */
export function runCommand(onExit: (code: ExitCode) => void): CommandModule<object, RunArgs> {
  return {
    command: "run [project_path]",
    describe: "serve a project over HTTP",
    builder: (yargs) =>
      withProjectOptions(yargs)
        .option("port", { type: "number", describe: "port to listen on (0 picks a free one) [config: server.port, 8080]" })
        .option("host", { type: "string", describe: "address to listen on [config: server.host, 0.0.0.0]" })
        .option("workers", { type: "number", describe: "worker threads [config: server.workers, 1]" })
        .option("platform", { type: "boolean", default: true, describe: "report to the management platform (--no-platform to disable)" })
        .option("log-level", { choices: LOG_LEVELS, default: "info" as LogLevel, describe: "log level" }) as never,
    handler: async (args) => onExit(await run(args)),
  };
}

async function run(args: RunArgs): Promise<ExitCode> {
  const logLevel = args["log-level"];
  const debug = logLevel === "debug";
  const log = createLogger(logLevel);
  let loaded;
  try {
    loaded = await loadProjectConfig(args);
  } catch (error) {
    reportError(error, debug);
    return ExitCode.CONFIG;
  }
  for (const warning of loaded.warnings) log.warn(warning);
  const applyOverrides = (config: AppConfig): AppConfig => withOverrides(config, args);
  const supervisor = new Supervisor({
    projectDir: loaded.projectDir,
    configFile: loaded.file,
    config: applyOverrides(loaded.config),
    applyOverrides,
    noPlatform: !args.platform,
    logLevel,
    log,
  });

  const stopped = waitForStopSignal(log, () => supervisor.close());
  // SIGHUP reloads; caught from the start, since its default action ends the process.
  let serving = false;
  const onHangUp = (): void => {
    if (serving) void supervisor.reload("SIGHUP");
    else log.warn("SIGHUP during start-up ignored: nothing to reload yet");
  };
  process.on("SIGHUP", onHangUp);
  try {
    await supervisor.start();
    serving = true;
  } catch (error) {
    stopped.dispose();
    process.off("SIGHUP", onHangUp);
    reportError(error, debug);
    return ExitCode.FAILURE;
  }
  try {
    return await stopped.promise;
  } finally {
    process.off("SIGHUP", onHangUp);
  }
}

/** Command-line flags win over the config file. */
function withOverrides(config: AppConfig, args: RunArgs): AppConfig {
  return {
    ...config,
    server: {
      ...config.server,
      ...(args.port !== undefined && { port: args.port }),
      ...(args.host !== undefined && { host: args.host }),
      ...(args.workers !== undefined && { workers: args.workers }),
    },
  };
}

/** The first SIGTERM/SIGINT drains and stops; a second one stops at once. */
function waitForStopSignal(log: ReturnType<typeof createLogger>, stop: () => Promise<void>): { promise: Promise<ExitCode>; dispose(): void } {
  let resolve!: (code: ExitCode) => void;
  const promise = new Promise<ExitCode>((r) => (resolve = r));
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signalled) {
      log.warn({ signal }, "second signal: stopping without waiting for streams");
      dispose();
      resolve(ExitCode.FORCED);
      return;
    }
    signalled = true;
    log.info({ signal }, "stopping: draining in-flight streams");
    stop().then(
      () => resolve(ExitCode.OK),
      (error: unknown) => {
        log.error({ err: error }, "shutdown failed");
        resolve(ExitCode.FAILURE);
      },
    );
  };
  const dispose = (): void => {
    process.off("SIGTERM", onSignal);
    process.off("SIGINT", onSignal);
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  return { promise: promise.finally(dispose), dispose };
}
