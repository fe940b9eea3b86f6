/**
 * Msg[] and call options in the shape of Ollama's `/api/chat` request.
 */
import type { ChatRequest, Message, Options, Tool, ToolCall } from "ollama";
import { errorMessage } from "../errors.js";
import type { ContentBlock, MediaSource, Msg } from "../message/index.js";
import type { ToolChoice, ToolSchema } from "./chat-model.js";

/**
 * The messages of a chat request. System messages stay where they are (Ollama
 * takes them anywhere), each `tool_result` block becomes a `tool` message,
 * `tool_use` blocks become the assistant's `tool_calls`, and images go in the
 * message's `images`. Thinking, audio and video blocks are dropped: Ollama's
 * chat API has no place for them.
 *
 * Images are always handed to the SDK as bytes: given a string, the SDK
 * first tries it as a file path and sends that file if one exists, which
 * must never happen with base64 data from a client's message.
 *
 * @param signal Cancels the download of images given by URL.
 */
export async function formatOllamaMessages(msgs: readonly Msg[], signal?: AbortSignal): Promise<Message[]> {
  const messages: Message[] = [];
  for (const msg of msgs) {
    if (typeof msg.content === "string") {
      messages.push({ role: msg.role, content: msg.content });
      continue;
    }
    let pending = emptyMessage(msg.role);
    for (const block of msg.content) {
      if (block.type === "tool_result") {
        // A tool's answer is its own message; flushing first keeps the order.
        flush(pending, messages);
        pending = emptyMessage(msg.role);
        messages.push(await toolMessage(block.name, block.output, signal));
      } else {
        await addBlock(pending, block, signal);
      }
    }
    flush(pending, messages);
  }
  return messages;
}

type PendingMessage = Message & { images: Uint8Array[]; tool_calls: ToolCall[] };

function emptyMessage(role: string): PendingMessage {
  return { role, content: "", images: [], tool_calls: [] };
}

/** Adds the message unless it is empty, without its empty lists. */
function flush({ images, tool_calls, ...message }: PendingMessage, messages: Message[]): void {
  if (message.content === "" && images.length === 0 && tool_calls.length === 0) return;
  messages.push({ ...message, ...(images.length > 0 && { images }), ...(tool_calls.length > 0 && { tool_calls }) });
}

async function addBlock(message: PendingMessage, block: ContentBlock, signal: AbortSignal | undefined): Promise<void> {
  switch (block.type) {
    case "text":
      message.content = message.content === "" ? block.text : `${message.content}\n${block.text}`;
      break;
    case "image":
      message.images.push(await imageBytes(block.source, signal));
      break;
    case "tool_use":
      message.tool_calls.push({ function: { name: block.name, arguments: block.input } });
      break;
    default:
      break;
  }
}

async function toolMessage(name: string, output: string | ContentBlock[], signal: AbortSignal | undefined): Promise<Message> {
  if (typeof output === "string") return { role: "tool", tool_name: name, content: output };
  const texts: string[] = [];
  const images: Uint8Array[] = [];
  for (const block of output) {
    if (block.type === "text") texts.push(block.text);
    else if (block.type === "image") images.push(await imageBytes(block.source, signal));
  }
  return { role: "tool", tool_name: name, content: texts.join("\n"), ...(images.length > 0 && { images }) };
}

/** An image's bytes: decoded from base64, or downloaded (without the provider's credentials). */
async function imageBytes(source: MediaSource, signal: AbortSignal | undefined): Promise<Uint8Array> {
  if (source.type === "base64") return Buffer.from(source.data, "base64");
  let response: Response;
  try {
    response = await fetch(source.url, signal === undefined ? {} : { signal });
  } catch (error) {
    if (signal?.aborted === true) throw error;
    // Not rethrown with its cause: a refused image host is not a refused provider.
    const code = (error as { cause?: { code?: unknown } }).cause?.code;
    throw new Error(`cannot fetch the image at ${source.url}: ${errorMessage(error)}${typeof code === "string" ? ` (${code})` : ""}`);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`cannot fetch the image at ${source.url}: HTTP ${response.status}`);
  }
  return new Uint8Array(await response.arrayBuffer());
}

/**
 * The tools to send, given the tool choice. Ollama has no tool choice, so:
 * `none` sends no tools; a tool's name sends only that tool; `auto` and
 * `required` send them all. `required` cannot be enforced: the model may
 * still answer in text.
 */
export function formatOllamaTools(tools: readonly ToolSchema[] | undefined, toolChoice: ToolChoice | undefined): Tool[] | undefined {
  if (tools === undefined || tools.length === 0 || toolChoice === "none") return undefined;
  if (toolChoice === undefined || toolChoice === "auto" || toolChoice === "required") return tools.map(toOllamaTool);
  const chosen = tools.find((tool) => tool.function.name === toolChoice);
  if (chosen === undefined) {
    throw new TypeError(`toolChoice "${toolChoice}" is not one of the tools given (${tools.map((tool) => tool.function.name).join(", ")})`);
  }
  return [toOllamaTool(chosen)];
}

function toOllamaTool(tool: ToolSchema): Tool {
  const { name, description, parameters } = tool.function;
  return {
    type: "function",
    function: { name, ...(description !== undefined && { description }), parameters: parameters as NonNullable<Tool["function"]["parameters"]> },
  };
}

/** Keys of `/api/chat` that `generate_kwargs` may set; every other key is a model option. */
const REQUEST_KEYS = new Set(["think", "keep_alive", "format", "logprobs", "top_logprobs"]);

/**
 * `generate_kwargs` split the way Ollama wants them: request keys (`think`,
 * `keep_alive`, `format`, `logprobs`, `top_logprobs`) at the top level,
 * everything else (`temperature`, `num_ctx`, `num_predict`, …) in `options`,
 * merged with an `options` mapping given explicitly.
 */
export function ollamaRequestKwargs(generateKwargs: Record<string, unknown> = {}): Partial<ChatRequest> {
  const request: Record<string, unknown> = {};
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(generateKwargs)) {
    if (key === "options" && typeof value === "object" && value !== null && !Array.isArray(value)) Object.assign(options, value);
    else if (REQUEST_KEYS.has(key)) request[key] = value;
    else options[key] = value;
  }
  if (Object.keys(options).length > 0) request["options"] = options as Partial<Options>;
  return request as Partial<ChatRequest>;
}
