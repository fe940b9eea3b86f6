import path from "node:path";
import { REPO_ROOT, startServer, type AgentscopeProcess } from "../../test/helpers/agentscope-process.js";
import { probeProject } from "../../test/helpers/fixtures.js";
import { tempProject, type TempProject } from "../../test/helpers/temp-project.js";
import { NodeProcess } from "./node-process.js";

/** A server the harness started and must stop. */
export interface RunningServer {
  url: string;
  /** The process whose tree's memory is measured. */
  pid: number;
  /** Drains and stops (SIGTERM), killing it if that takes longer than 20 s. Idempotent. */
  stop(): Promise<void>;
}

const STOP_MS = 20_000;

/** SIGTERM, then SIGKILL if the process has not exited within `ms`. */
async function stopProcess(proc: AgentscopeProcess, ms = STOP_MS): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<"late">((resolve) => (timer = setTimeout(() => resolve("late"), ms)));
  try {
    if ((await Promise.race([proc.stop(), late])) === "late") await proc.kill();
  } finally {
    clearTimeout(timer);
  }
}

/** `agentscope run` on a temporary project serving the probe App with this config. */
export async function startProbeServer(config: string, args: readonly string[] = []): Promise<RunningServer & { project: TempProject }> {
  const project = await tempProject(await probeProject(config));
  let started: Awaited<ReturnType<typeof startServer>>;
  try {
    started = await startServer(project.dir, { args });
  } catch (error) {
    await project.remove();
    throw error;
  }
  const { url, proc } = started;
  let stopping: Promise<void> | undefined;
  return {
    url,
    pid: proc.child.pid!,
    project,
    stop: () => (stopping ??= stopProcess(proc).finally(() => project.remove())),
  };
}

/** The bare node:http server (bench/bare-server.ts) in a process of its own. */
export async function startBareProcess(signal: AbortSignal): Promise<RunningServer> {
  const proc = new NodeProcess(["--import", "tsx", path.join(REPO_ROOT, "bench/bare-main.ts")]);
  try {
    const { url } = await proc.waitForLine((line) => typeof line["url"] === "string", signal);
    return { url: url as string, pid: proc.pid, stop: () => proc.stop() };
  } catch (error) {
    await proc.stop();
    throw error;
  }
}
