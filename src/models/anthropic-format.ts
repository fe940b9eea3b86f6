/**
 * `Msg[]`, tools and tool choice in the shape of Anthropic's Messages API
 * (`POST /v1/messages`).
 */
import type {
  Base64ImageSource,
  ContentBlockParam,
  ImageBlockParam,
  TextBlockParam,
  Tool,
  ToolChoice as AnthropicToolChoice,
  ToolResultBlockParam,
} from "@anthropic-ai/sdk/resources/messages";
import type { ContentBlock, MediaSource, Msg, ToolResultBlock } from "../message/index.js";
import type { ToolChoice, ToolSchema } from "./chat-model.js";

export interface AnthropicTurn {
  role: "user" | "assistant";
  content: ContentBlockParam[];
}

/** The `system` and `messages` parameters of one request. */
export interface AnthropicPrompt {
  system?: string;
  messages: AnthropicTurn[];
}

/**
 * Formats a conversation as the Python runtime's Anthropic formatter does:
 * - the text of the system messages before the first other message becomes the
 *   top-level `system` parameter; a system message later in the conversation
 *   becomes a user turn, since the API takes no system role in `messages`;
 * - `tool_result` blocks go in a user turn (after the assistant turn of the
 *   same message, ahead of any other user content, as the API requires);
 * - adjacent turns of one role are merged into one;
 * - `thinking` blocks are dropped (the API only takes back thinking it signed,
 *   and a block here has no signature), and so are audio and video, which
 *   Claude does not read.
 */
export function formatAnthropicMessages(msgs: readonly Msg[]): AnthropicPrompt {
  const system: string[] = [];
  const turns: AnthropicTurn[] = [];
  let leading = true;
  for (const msg of msgs) {
    const blocks = msg.getContentBlocks();
    const results = blocks.filter((block): block is ToolResultBlock => block.type === "tool_result").map(formatToolResult);
    const own = blocks.flatMap(formatBlock);
    if (msg.role === "system" && leading) {
      for (const block of own) {
        if (block.type === "text") system.push(block.text);
      }
      push(turns, "user", [...results, ...own.filter((block) => block.type !== "text")]);
      continue;
    }
    leading = false;
    if (msg.role === "assistant") {
      push(turns, "assistant", own);
      push(turns, "user", results);
    } else {
      push(turns, "user", [...results, ...own]);
    }
  }
  return system.length > 0 ? { system: system.join("\n\n"), messages: turns } : { messages: turns };
}

/** Tools in the OpenAI function form as Anthropic tools (`input_schema` is always an object schema). */
export function formatAnthropicTools(tools: readonly ToolSchema[]): Tool[] {
  return tools.map(({ function: fn }) => ({
    name: fn.name,
    ...(fn.description !== undefined && { description: fn.description }),
    input_schema: { ...fn.parameters, type: "object" },
  }));
}

/** Every choice has an exact equivalent: `required` is Anthropic's `any`. */
export function formatAnthropicToolChoice(choice: ToolChoice): AnthropicToolChoice {
  switch (choice) {
    case "auto":
      return { type: "auto" };
    case "none":
      return { type: "none" };
    case "required":
      return { type: "any" };
    default:
      return { type: "tool", name: choice };
  }
}

function push(turns: AnthropicTurn[], role: AnthropicTurn["role"], content: ContentBlockParam[]): void {
  if (content.length === 0) return;
  const last = turns.at(-1);
  if (last?.role === role) last.content.push(...content);
  else turns.push({ role, content });
}

/** One block of a message's own content; tool results are formatted apart. */
function formatBlock(block: ContentBlock): ContentBlockParam[] {
  switch (block.type) {
    case "text":
      // The API rejects empty text blocks.
      return block.text === "" ? [] : [{ type: "text", text: block.text }];
    case "tool_use":
      return [{ type: "tool_use", id: block.id, name: block.name, input: block.input }];
    case "image":
      return [formatImage(block.source)];
    default:
      return [];
  }
}

function formatToolResult(block: ToolResultBlock): ToolResultBlockParam {
  const result: ToolResultBlockParam = { type: "tool_result", tool_use_id: block.id };
  if (typeof block.output === "string") {
    if (block.output !== "") result.content = block.output;
    return result;
  }
  const content: Array<TextBlockParam | ImageBlockParam> = [];
  for (const part of block.output) {
    if (part.type === "text" && part.text !== "") content.push({ type: "text", text: part.text });
    else if (part.type === "image") content.push(formatImage(part.source));
  }
  if (content.length > 0) result.content = content;
  return result;
}

/** A `data:` URL is sent inline, as a base64 source; any other URL by reference. */
function formatImage(source: MediaSource): ImageBlockParam {
  if (source.type === "base64") {
    return { type: "image", source: { type: "base64", media_type: source.media_type as Base64ImageSource["media_type"], data: source.data } };
  }
  const dataUrl = /^data:([^;,]+);base64,(.*)$/s.exec(source.url);
  if (dataUrl !== null) {
    const [, mediaType = "", data = ""] = dataUrl;
    return { type: "image", source: { type: "base64", media_type: mediaType as Base64ImageSource["media_type"], data } };
  }
  return { type: "image", source: { type: "url", url: source.url } };
}
