import { randomUUID } from "node:crypto";
import type { CommandModule } from "yargs";
import { raceAbort } from "../abort.js";
import { errorMessage } from "../errors.js";
import { Msg, type ContentBlock, type MsgDict } from "../message/index.js";
import type { Runtime } from "../runtime/runtime.js";
import { SessionContext } from "../runtime/session-context.js";
import { DONE_FRAME, dataFrame, errorFrame } from "../supervisor/sse-frames.js";
import { ExitCode } from "./exit-codes.js";
import { loadProjectConfig } from "./project-options.js";
import { reportError } from "./report-error.js";

interface InvokeArgs {
  project_path: string | undefined;
  message: string | undefined;
  config: string | undefined;
  session: string | undefined;
  metadata: string | undefined;
  json: boolean;
}

/**
 * `agentscope invoke`: runs one turn of a project's App in this process (no
 * HTTP, no worker threads) and prints what it yields.
 */
export function invokeCommand(onExit: (code: ExitCode) => void): CommandModule<object, InvokeArgs> {
  return {
    // Both optional to yargs, which would fill a required <message> first: `invoke <message>` alone means the current folder.
    command: "invoke [project_path] [message]",
    describe: "run one turn of a project's app and print its messages",
    builder: (yargs) =>
      yargs
        .usage("$0 invoke [project_path] <message>")
        .positional("project_path", { type: "string", describe: "the project folder (agentapp.yaml and app.ts) [default: .]" })
        .positional("message", { type: "string", describe: "the user's message" })
        .option("config", { type: "string", describe: "config file, relative to the current directory (default: <project>/agentapp.yaml)" })
        .option("session", { type: "string", describe: "the session id (default: a new one)" })
        .option("metadata", { type: "string", describe: "the request's metadata, a JSON object" })
        .option("json", { type: "boolean", default: false, describe: "print the raw `data:` frames POST /invoke would stream" }) as never,
    handler: async (args) => onExit(await invoke(args)),
  };
}

async function invoke(args: InvokeArgs): Promise<ExitCode> {
  const [projectPath, text] = args.message === undefined ? [".", args.project_path] : [args.project_path ?? ".", args.message];
  if (text === undefined) return usageError("name a message: agentscope invoke [project_path] <message>");
  const metadata = parseMetadata(args.metadata);
  if (typeof metadata === "string") return usageError(`--metadata: ${metadata}`);
  const sessionId = args.session ?? randomUUID();
  if (sessionId === "") return usageError("--session: must not be empty");

  let loaded;
  try {
    loaded = await loadProjectConfig({ project_path: projectPath, config: args.config });
  } catch (error) {
    reportError(error, false);
    return ExitCode.CONFIG;
  }
  for (const warning of loaded.warnings) process.stderr.write(`Warning in ${warning}\n`);
  // Loaded here, not at the top: every other command (run above all) starts without the runtime and its SDKs.
  const { runtime } = await import("../runtime/runtime.js");
  try {
    await runtime.initialize({ projectDir: loaded.projectDir, config: loaded.config });
  } catch (error) {
    reportError(error, false);
    return ExitCode.FAILURE;
  }

  // The first Ctrl-C cancels the turn through ctx.signal; a second one ends the process.
  const interrupt = new AbortController();
  const onInterrupt = (): void => interrupt.abort(new DOMException("interrupted", "AbortError"));
  process.once("SIGINT", onInterrupt);
  let code: ExitCode;
  try {
    const msg = new Msg({ name: "user", role: "user", content: text });
    const ctx = new SessionContext(sessionId, metadata, interrupt.signal);
    code = await runTurn(runtime, msg, ctx, args.json ? new FramePrinter() : new TurnPrinter());
  } finally {
    process.off("SIGINT", onInterrupt);
  }
  try {
    await runtime.shutdown();
  } catch (error) {
    reportError(error, false);
    return ExitCode.FAILURE;
  }
  return code;
}

/** Where a turn's messages go: raw frames, or lines for a person. */
interface TurnOutput {
  message(msg: MsgDict): void;
  error(message: string): void;
  end(): void;
}

async function runTurn(runtime: Runtime, msg: Msg, ctx: SessionContext, out: TurnOutput): Promise<ExitCode> {
  let iterator: AsyncIterator<unknown> | undefined;
  try {
    iterator = runtime.app.call(msg, ctx)[Symbol.asyncIterator]();
    for (;;) {
      const step = await raceAbort(iterator.next(), ctx.signal);
      if (step.done === true) break;
      // Printed at once: a streaming agent keeps growing the message it yielded.
      out.message(wireDict(step.value));
    }
    out.end();
    return ExitCode.OK;
  } catch (error) {
    if (ctx.signal.aborted) {
      // The generator may be mid-await; return() runs its finally blocks as soon as it can.
      iterator?.return?.().catch(() => {});
      out.end();
      process.stderr.write("Interrupted.\n");
      return ExitCode.FORCED;
    }
    out.error(errorMessage(error));
    out.end();
    return ExitCode.FAILURE;
  }
}

/** What POST /invoke streams, frame for frame: each message, an APP_ERROR frame, the done frame. */
class FramePrinter implements TurnOutput {
  message(msg: MsgDict): void {
    process.stdout.write(dataFrame(JSON.stringify(msg)));
  }

  error(message: string): void {
    process.stdout.write(errorFrame("APP_ERROR", message));
    process.stderr.write(`Error: ${message}\n`);
  }

  end(): void {
    process.stdout.write(DONE_FRAME);
  }
}

/**
 * One line (or a few) per message. Cumulative chunks of one message id grow
 * their line in place: only what is new is written.
 */
class TurnPrinter implements TurnOutput {
  #open: { id: string; shown: string } | undefined;

  message(msg: MsgDict): void {
    const text = render(msg);
    if (text === "") return;
    const open = this.#open;
    if (open?.id === msg.id && text.startsWith(open.shown)) {
      process.stdout.write(text.slice(open.shown.length));
    } else {
      process.stdout.write(open === undefined ? text : `\n${text}`);
    }
    this.#open = { id: msg.id, shown: text };
  }

  error(message: string): void {
    this.end();
    process.stderr.write(`Error: ${message}\n`);
  }

  end(): void {
    if (this.#open !== undefined) process.stdout.write("\n");
    this.#open = undefined;
  }
}

function render(msg: MsgDict): string {
  const blocks: ContentBlock[] = typeof msg.content === "string" ? [{ type: "text", text: msg.content }] : msg.content;
  return blocks
    .map((block): string => {
      switch (block.type) {
        case "text":
          return `${msg.name}: ${block.text}`;
        case "thinking":
          return `${msg.name} (thinking): ${block.thinking}`;
        case "tool_use":
          return `→ tool(${block.name}) ${block.raw_input ?? JSON.stringify(block.input)}`;
        case "tool_result":
          return `← ${block.name}: ${typeof block.output === "string" ? block.output : block.output.map(inline).join("\n")}`;
        default:
          return `${msg.name}: ${inline(block)}`;
      }
    })
    .join("\n");
}

/** A block inside a tool's output, or media: text as is, anything else as a short tag. */
function inline(block: ContentBlock): string {
  switch (block.type) {
    case "text":
      return block.text;
    case "image":
    case "audio":
    case "video":
      return `[${block.type}: ${block.source.type === "url" ? block.source.url : block.source.media_type}]`;
    default:
      return `[${block.type}]`;
  }
}

/** The JSON of a yielded message, as the worker sends it: a plain dict is checked first. */
function wireDict(value: unknown): MsgDict {
  if (value instanceof Msg) return value.toDict();
  return Msg.fromDict(value, "yielded message").toDict();
}

function parseMetadata(text: string | undefined): Record<string, unknown> | string {
  if (text === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return "not valid JSON";
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return `must be a JSON object, as in '{"user": "ann"}'`;
  return value as Record<string, unknown>;
}

function usageError(message: string): ExitCode {
  process.stderr.write(`Error: ${message}\n`);
  return ExitCode.CONFIG;
}
