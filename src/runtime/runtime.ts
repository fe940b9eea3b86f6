import { loadConfig, withRedactedPrinting, type AppConfig } from "../config/index.js";
import { AgentScopeError, AppLoadError, RuntimeUsageError, errorMessage } from "../errors.js";
import { createModel, type ChatModel } from "../models/index.js";
import { instrumentModel, type ModelCallListener, type ModelCallReport } from "../models/instrumented-model.js";
import { createSessionStore, type SessionStore } from "../session/index.js";
import { silentLogger, type Logger } from "../logging/logger.js";
import { McpClient, Toolkit, syncMcpTools } from "../tools/index.js";
import type { AgentApp } from "./agent-app.js";
import { findAppFile, loadApp } from "./app-loader.js";
import { createModelRegistry, type ModelRegistry } from "./model-registry.js";

export interface RuntimeInitOptions {
  projectDir: string;
  /** The parsed config, when the caller loaded it already (the supervisor does, once for all workers). */
  config?: AppConfig;
  /** The config file, when `config` is not given; default `<projectDir>/agentapp.yaml`. */
  configPath?: string;
  /** Where MCP clients and the runtime log; default silent. */
  log?: Logger;
}

interface Ready {
  projectDir: string;
  config: AppConfig;
  models: ModelRegistry;
  tools: Toolkit;
  session: SessionStore;
  app: AgentApp;
  /** What to close at shutdown, in the order it was opened. */
  opened: Closable[];
}

interface Closable {
  what: string;
  close(): Promise<void>;
}

/**
 * Everything an App uses: its models, tools and session store, built from
 * `agentapp.yaml`. Each worker thread initializes its own;
 * an App reaches it as `runtime`, imported from "agentscope".
 */
export class Runtime {
  #ready: Ready | undefined;
  #starting = false;
  #stopping = false;
  readonly #modelCallListeners = new Set<ModelCallListener>();

  get initialized(): boolean {
    return this.#ready !== undefined;
  }

  /** The model slots: `runtime.models.main` or `runtime.models["main"]`. */
  get models(): ModelRegistry {
    return this.#get().models;
  }

  /** The parsed config; printing it shows secrets as `***`. */
  get config(): AppConfig {
    return this.#get().config;
  }

  /** Every tool an agent may call: local ones the App registers, and every MCP server's. */
  get tools(): Toolkit {
    return this.#get().tools;
  }

  /** Where conversations live between requests (`session.backend`). */
  get session(): SessionStore {
    return this.#get().session;
  }

  get projectDir(): string {
    return this.#get().projectDir;
  }

  /** The App instance this runtime serves. */
  get app(): AgentApp {
    return this.#get().app;
  }

  /**
   * Loads config, creates the models, loads the App and runs its
   * `onStartup()`. A failure closes whatever was already opened and names
   * the step that failed.
   */
  async initialize(options: RuntimeInitOptions): Promise<void> {
    if (this.#ready !== undefined || this.#starting) throw new RuntimeUsageError("runtime is already initialized");
    this.#starting = true;
    const opened: Closable[] = [];
    let step = "loading the config";
    try {
      const config =
        options.config ?? (await loadConfig({ projectDir: options.projectDir, ...(options.configPath !== undefined && { configPath: options.configPath }) })).config;

      const models = new Map<string, ChatModel>();
      for (const [slot, modelConfig] of Object.entries(config.models)) {
        step = `creating model "${slot}"`;
        const model = instrumentModel(slot, createModel(slot, modelConfig), this.#reportModelCall);
        models.set(slot, model);
        if (model.close) opened.push({ what: `model "${slot}"`, close: () => model.close!() });
      }

      const tools = new Toolkit();
      const log = options.log ?? silentLogger();
      for (const [name, serverConfig] of Object.entries(config.mcp_servers)) {
        step = `connecting MCP server "${name}"`;
        const client = new McpClient(name, serverConfig, { log, cwd: options.projectDir });
        // Registered before start() so a failed start still closes what it spawned.
        let stopSync = (): void => {};
        opened.push({
          what: `MCP server "${name}"`,
          close: async () => {
            stopSync();
            await client.close();
          },
        });
        await client.start();
        stopSync = syncMcpTools(tools, client, log);
      }

      step = `opening the ${config.session.backend} session store`;
      const session = createSessionStore(config.session, options.projectDir);
      opened.push({ what: "the session store", close: () => session.close() });

      step = "loading the app";
      const app = await loadApp(await findAppFile(options.projectDir, config.app));

      this.#ready = {
        projectDir: options.projectDir,
        config: withRedactedPrinting(config),
        models: createModelRegistry(models),
        tools,
        session,
        app,
        opened,
      };
      step = "running App.onStartup()";
      await app.onStartup();
    } catch (error) {
      this.#ready = undefined;
      await closeAll(opened);
      if (error instanceof AgentScopeError && step === "loading the config") throw error;
      throw new AppLoadError(`runtime failed while ${step}: ${errorMessage(error)}`, { cause: error });
    } finally {
      this.#starting = false;
    }
  }

  /**
   * Runs the App's `onShutdown()`, then closes what initialize opened in
   * reverse order. Every step runs even if an earlier one fails; the
   * failures are reported together. Idempotent.
   */
  async shutdown(): Promise<void> {
    const ready = this.#ready;
    if (ready === undefined || this.#stopping) return;
    this.#stopping = true;
    const failures: string[] = [];
    try {
      // The runtime stays usable here: onShutdown() may still save state or call a model.
      await ready.app.onShutdown();
    } catch (error) {
      failures.push(`App.onShutdown(): ${errorMessage(error)}`);
    }
    this.#ready = undefined;
    this.#stopping = false;
    failures.push(...(await closeAll(ready.opened)));
    if (failures.length > 0) throw new AppLoadError(`runtime shutdown: ${failures.join("; ")}`);
  }

  /**
   * Hears about every model call of this runtime (provider, model, duration,
   * time to first chunk, tokens, outcome). Returns the unsubscribe function.
   */
  onModelCall(listener: ModelCallListener): () => void {
    this.#modelCallListeners.add(listener);
    return () => this.#modelCallListeners.delete(listener);
  }

  readonly #reportModelCall = (report: ModelCallReport): void => {
    for (const listener of this.#modelCallListeners) {
      try {
        listener(report);
      } catch {
        // A failing observer must never fail the App's model call.
      }
    }
  };

  #get(): Ready {
    if (this.#ready === undefined) throw new RuntimeUsageError("the runtime is not initialized yet (use it from onStartup() or call())");
    return this.#ready;
  }
}

/** Closes in reverse order of opening; returns what failed. */
async function closeAll(opened: readonly Closable[]): Promise<string[]> {
  const failures: string[] = [];
  for (const item of [...opened].reverse()) {
    try {
      await item.close();
    } catch (error) {
      failures.push(`closing ${item.what}: ${errorMessage(error)}`);
    }
  }
  return failures;
}

/** This thread's runtime: what an App gets from `import { runtime } from "agentscope"`. */
export const runtime = new Runtime();
