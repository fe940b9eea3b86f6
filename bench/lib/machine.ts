import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import { promisify } from "node:util";

export interface MachineInfo {
  cores: number;
  cpu: string;
  memoryGb: number;
  os: string;
  node: string;
  wrk: string;
  date: string;
}

async function wrkVersion(): Promise<string> {
  // `wrk -v` prints its version line and exits with status 1.
  const output = await promisify(execFile)("wrk", ["-v"]).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? "" }));
  return /wrk (\S+)/.exec(output.stdout)?.[1] ?? "not found";
}

export async function machineInfo(): Promise<MachineInfo> {
  return {
    cores: os.availableParallelism(),
    cpu: os.cpus()[0]?.model.trim() ?? "unknown",
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    wrk: await wrkVersion(),
    date: new Date().toISOString(),
  };
}

/**
 * CPU time the hypervisor gave to other guests while this machine wanted it
 * (the "steal" column of /proc/stat), in seconds summed over all cores: when
 * it grows during a scenario, the numbers are noisier than the code.
 */
export function stealSeconds(): number {
  const cpu = readFileSync("/proc/stat", "latin1").split("\n", 1)[0]!.trim().split(/\s+/);
  return Number(cpu[8] ?? 0) / 100;
}

/** The 1-minute load average. */
export function loadAverage(): number {
  return os.loadavg()[0]!;
}

/**
 * The kernel's count of connections dropped because a listen queue was full
 * (TcpExt ListenOverflows, machine-wide). A dropped connect is retried by the
 * client's kernel a second later, which shows up as a slow first message.
 */
export function listenOverflows(): number {
  const [names, values] = readFileSync("/proc/net/netstat", "latin1")
    .split("\n")
    .filter((line) => line.startsWith("TcpExt:"))
    .map((line) => line.trim().split(/\s+/));
  const index = names?.indexOf("ListenOverflows") ?? -1;
  return index === -1 ? Number.NaN : Number(values?.[index]);
}
