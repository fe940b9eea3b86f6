import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { ConfigError } from "../errors.js";
import { parseConfig } from "./parse-config.js";
import { readYaml } from "./read-yaml.js";
import type { AppConfig } from "./types.js";

/** A validated config, the file it came from, and what was ignored in it. */
export interface LoadedConfig {
  config: AppConfig;
  file: string;
  warnings: string[];
}

export interface LoadConfigOptions {
  projectDir: string;
  /** Relative to `projectDir`; defaults to `agentapp.yaml`. */
  configPath?: string;
  /** Where `${VAR}` is looked up; defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

async function readText(file: string, signal: AbortSignal | undefined): Promise<string> {
  try {
    return await readFile(file, { encoding: "utf8", ...(signal !== undefined && { signal }) });
  } catch (error) {
    if (error instanceof Error && error.name === "AbortError") throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const problem = code === "ENOENT" ? "file not found" : `cannot be read (${code ?? "unknown error"})`;
    throw new ConfigError([`${file}: ${problem}`], { cause: error });
  }
}

/**
 * Reads, expands and validates a project's `agentapp.yaml` (or `configPath`).
 * Throws a `ConfigError` listing every problem.
 *
 * @example
 * const { config, warnings } = await loadConfig({ projectDir: "./my-project" });
 */
export async function loadConfig(opts: LoadConfigOptions): Promise<LoadedConfig> {
  const file = resolve(opts.projectDir, opts.configPath ?? "agentapp.yaml");
  const text = await readText(file, opts.signal);
  const yaml = readYaml(text, file);
  const parsed = parseConfig(yaml.data, { file, ...(opts.env !== undefined && { env: opts.env }) });
  return { config: parsed.config, file, warnings: [...yaml.warnings, ...parsed.warnings] };
}
