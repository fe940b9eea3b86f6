/**
 * `Msg[]`, tools and tool choice in the shape of the Gemini Developer API
 * (`@google/genai`): `contents` with roles `user` / `model`, system text as
 * `systemInstruction`, tool calls as `functionCall` parts and tool results as
 * `functionResponse` parts.
 */
import {
  FunctionCallingConfigMode,
  type Content,
  type FunctionCallingConfig,
  type Part,
  type Tool,
} from "@google/genai";
import type { ContentBlock, MediaSource, Msg, ToolResultBlock } from "../message/index.js";
import type { ToolChoice, ToolSchema } from "./chat-model.js";

export interface GeminiContents {
  contents: Content[];
  /** The text of every system message, one part each; absent when there is none. */
  systemInstruction?: Content;
}

/**
 * Gemini 3 rejects a request whose history has a `functionCall` part without
 * the thought signature the model sent with it. A ToolUseBlock has nowhere to
 * keep that signature, so history carries this value, which the Gemini API
 * documents for calls it did not itself sign (history from another model or
 * rebuilt by the client); models before Gemini 3 ignore it.
 */
const UNSIGNED_THOUGHT = "skip_thought_signature_validator";

/**
 * Formats messages as Gemini contents. Thinking blocks are dropped (without
 * their signature the API cannot use them). Tool results in a row become one
 * `user` turn of `functionResponse` parts, as Gemini requires one response
 * part per call of the model turn; images in tool output follow in a `user`
 * turn of their own.
 */
export function formatGeminiMessages(msgs: readonly Msg[]): GeminiContents {
  const builder = new ContentsBuilder();
  const system: Part[] = [];
  for (const msg of msgs) {
    const blocks: ContentBlock[] = typeof msg.content === "string" ? [{ type: "text", text: msg.content }] : msg.content;
    if (msg.role === "system") {
      for (const block of blocks) if (block.type === "text" && block.text !== "") system.push({ text: block.text });
      // Tool results and media in a system message (AgentScope records tool results there) still go in the turns.
      builder.addMessage("user", blocks.filter((block) => block.type !== "text"));
    } else {
      builder.addMessage(msg.role === "assistant" ? "model" : "user", blocks);
    }
  }
  const contents = builder.finish();
  return system.length > 0 ? { contents, systemInstruction: { parts: system } } : { contents };
}

class ContentsBuilder {
  readonly #contents: Content[] = [];
  /** The `user` turn of function responses being gathered, while it is the last turn. */
  #responses: Part[] | undefined;
  /** Media from tool output, placed in a turn after the function responses. */
  #promoted: Part[] = [];

  addMessage(role: "user" | "model", blocks: readonly ContentBlock[]): void {
    let parts: Part[] = [];
    let signed = false;
    const flush = (): void => {
      if (parts.length === 0) return;
      this.#push({ role, parts });
      parts = [];
    };
    for (const block of blocks) {
      if (block.type === "tool_result") {
        flush();
        this.#addToolResult(block);
        continue;
      }
      const part = blockPart(block);
      if (part === undefined) continue;
      if (part.functionCall !== undefined && !signed) {
        // Only the first call of a turn carries a signature (parallel calls share it).
        part.thoughtSignature = UNSIGNED_THOUGHT;
        signed = true;
      }
      parts.push(part);
    }
    flush();
  }

  finish(): Content[] {
    this.#closeResponses();
    return this.#contents;
  }

  #addToolResult(block: ToolResultBlock): void {
    const { text, media } = toolOutput(block.output);
    const part: Part = { functionResponse: { id: block.id, name: block.name, response: { output: text } } };
    if (this.#responses === undefined) {
      this.#responses = [];
      this.#contents.push({ role: "user", parts: this.#responses });
    }
    this.#responses.push(part);
    this.#promoted.push(...media);
  }

  #push(content: Content): void {
    this.#closeResponses();
    this.#contents.push(content);
  }

  #closeResponses(): void {
    this.#responses = undefined;
    if (this.#promoted.length === 0) return;
    this.#contents.push({ role: "user", parts: this.#promoted });
    this.#promoted = [];
  }
}

/** One block as a part; undefined for what Gemini is not sent (thinking, empty text). */
function blockPart(block: Exclude<ContentBlock, ToolResultBlock>): Part | undefined {
  switch (block.type) {
    case "text":
      return block.text === "" ? undefined : { text: block.text };
    case "thinking":
      return undefined;
    case "tool_use":
      return { functionCall: { id: block.id, name: block.name, args: block.input } };
    case "image":
    case "audio":
    case "video":
      return mediaPart(block.type, block.source);
  }
}

/** A tool's output as the text of `response.output`, and the media it held. */
function toolOutput(output: ToolResultBlock["output"]): { text: string; media: Part[] } {
  if (typeof output === "string") return { text: output, media: [] };
  const texts: string[] = [];
  const media: Part[] = [];
  for (const block of output) {
    if (block.type === "text") texts.push(block.text);
    else if (block.type === "image" || block.type === "audio" || block.type === "video") media.push(mediaPart(block.type, block.source));
  }
  return { text: texts.join("\n"), media };
}

type MediaKind = "image" | "audio" | "video";

/**
 * Base64 data (or a `data:` URL) as `inlineData`; any other URL as
 * `fileData`, whose MIME type Gemini requires: taken from the extension,
 * else a common type of the block's kind.
 */
function mediaPart(kind: MediaKind, source: MediaSource): Part {
  if (source.type === "base64") return { inlineData: { mimeType: source.media_type, data: source.data } };
  const inline = /^data:([^;,]+);base64,(.*)$/s.exec(source.url);
  if (inline !== null) return { inlineData: { mimeType: inline[1]!, data: inline[2]! } };
  return { fileData: { fileUri: source.url, mimeType: mimeTypeOf(kind, source.url) } };
}

const MIME_BY_EXTENSION: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  heic: "image/heic",
  heif: "image/heif",
  mp3: "audio/mp3",
  wav: "audio/wav",
  ogg: "audio/ogg",
  flac: "audio/flac",
  aac: "audio/aac",
  aiff: "audio/aiff",
  mp4: "video/mp4",
  mpeg: "video/mpeg",
  mov: "video/mov",
  avi: "video/avi",
  webm: "video/webm",
  wmv: "video/wmv",
  "3gp": "video/3gpp",
};

const DEFAULT_MIME: Record<MediaKind, string> = { image: "image/jpeg", audio: "audio/mp3", video: "video/mp4" };

function mimeTypeOf(kind: MediaKind, url: string): string {
  let path = url;
  try {
    path = new URL(url).pathname;
  } catch {
    // Not an absolute URL: read its extension as it is.
  }
  const extension = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase();
  const mime = extension === undefined ? undefined : MIME_BY_EXTENSION[extension];
  return mime !== undefined && mime.startsWith(`${kind}/`) ? mime : DEFAULT_MIME[kind];
}

/** Tools in the OpenAI function form as one Gemini tool of function declarations. */
export function formatGeminiTools(tools: readonly ToolSchema[]): Tool {
  return {
    functionDeclarations: tools.map(({ function: fn }) => ({
      name: fn.name,
      ...(fn.description !== undefined && { description: fn.description }),
      // JSON Schema as it is; `parameters` would need Gemini's OpenAPI subset.
      parametersJsonSchema: fn.parameters,
    })),
  };
}

/**
 * `auto` → AUTO, `none` → NONE, `required` → ANY (some function must be
 * called), a tool's name → ANY restricted to that one function.
 */
export function formatGeminiToolChoice(choice: ToolChoice): FunctionCallingConfig {
  switch (choice) {
    case "auto":
      return { mode: FunctionCallingConfigMode.AUTO };
    case "none":
      return { mode: FunctionCallingConfigMode.NONE };
    case "required":
      return { mode: FunctionCallingConfigMode.ANY };
    default:
      return { mode: FunctionCallingConfigMode.ANY, allowedFunctionNames: [choice] };
  }
}
