/**
 * `Msg[]`, tools and tool choice in the shape of the Chat Completions API,
 * which OpenAI and the OpenAI-compatible servers (DashScope, DeepSeek, vLLM)
 * all take.
 */
import type {
  ChatCompletionContentPart,
  ChatCompletionFunctionTool,
  ChatCompletionMessageFunctionToolCall,
  ChatCompletionMessageParam,
  ChatCompletionToolChoiceOption,
} from "openai/resources/chat/completions";
import type { ContentBlock, MediaSource, Msg, ToolResultBlock, ToolUseBlock } from "../message/index.js";
import type { ToolChoice, ToolSchema } from "./chat-model.js";

/**
 * The conversation as Chat Completions messages. A message's `tool_result`
 * blocks become `role: "tool"` messages, sent first so they directly follow
 * the assistant's `tool_calls`; its other blocks form one message of its role.
 * Thinking blocks are dropped (the API takes no reasoning back).
 */
export function formatOpenAIMessages(msgs: readonly Msg[]): ChatCompletionMessageParam[] {
  const messages: ChatCompletionMessageParam[] = [];
  // A tool message holds text only, so images a tool returned follow as a user
  // message, once the run of tool messages is over.
  let toolImages: ChatCompletionContentPart[] = [];
  const flushToolImages = (): void => {
    if (toolImages.length > 0) messages.push({ role: "user", content: toolImages });
    toolImages = [];
  };

  for (const msg of msgs) {
    if (typeof msg.content === "string") {
      flushToolImages();
      messages.push({ role: msg.role, content: msg.content });
      continue;
    }
    const others: ContentBlock[] = [];
    for (const block of msg.content) {
      if (block.type !== "tool_result") {
        others.push(block);
        continue;
      }
      const images = imagesOf(block);
      messages.push({ role: "tool", tool_call_id: block.id, content: toolResultText(block, images.length) });
      if (images.length > 0) toolImages.push({ type: "text", text: `Images returned by the tool "${block.name}" (call ${block.id}):` }, ...images);
    }
    const message = formatMessage(msg.role, others);
    if (message !== undefined) {
      flushToolImages();
      messages.push(message);
    }
  }
  flushToolImages();
  return messages;
}

/** The tools as Chat Completions function tools (already their shape). */
export function formatOpenAITools(tools: readonly ToolSchema[]): ChatCompletionFunctionTool[] {
  return tools.map((tool) => ({ type: "function", function: { ...tool.function } }));
}

/** `auto`, `none` and `required` as they are; a tool's name as a named function choice. */
export function formatOpenAIToolChoice(choice: ToolChoice): ChatCompletionToolChoiceOption {
  if (choice === "auto" || choice === "none" || choice === "required") return choice as "auto" | "none" | "required";
  return { type: "function", function: { name: choice } };
}

function formatMessage(role: Msg["role"], blocks: readonly ContentBlock[]): ChatCompletionMessageParam | undefined {
  const text = blocks.flatMap((block) => (block.type === "text" ? [block.text] : [])).join("\n");
  switch (role) {
    case "system":
      // System messages take text only.
      return text === "" ? undefined : { role: "system", content: text };
    case "assistant": {
      // The assistant's own images, audio and video cannot be sent back: dropped with its thinking.
      const calls = blocks.flatMap((block) => (block.type === "tool_use" ? [toolCall(block)] : []));
      if (calls.length === 0) return text === "" ? undefined : { role: "assistant", content: text };
      return { role: "assistant", content: text === "" ? null : text, tool_calls: calls };
    }
    case "user": {
      const parts = blocks.flatMap(userPart);
      if (parts.length === 0) return undefined;
      // Plain text goes as a string, which every compatible server accepts.
      if (parts.every((part) => part.type === "text")) return { role: "user", content: text };
      return { role: "user", content: parts };
    }
  }
}

function toolCall(block: ToolUseBlock): ChatCompletionMessageFunctionToolCall {
  // Arguments the model wrote as something other than an object go back exactly as written.
  const args = block.raw_input ?? JSON.stringify(block.input);
  return { id: block.id, type: "function", function: { name: block.name, arguments: args } };
}

/**
 * Text, images (inline as a `data:` URL, or by URL) and wav/mp3 audio inline.
 * The API has no part for video nor for audio by URL: those are dropped.
 */
function userPart(block: ContentBlock): ChatCompletionContentPart[] {
  switch (block.type) {
    case "text":
      return [{ type: "text", text: block.text }];
    case "image":
      return [imagePart(block.source)];
    case "audio": {
      const format = audioFormat(block.source);
      return block.source.type === "base64" && format !== undefined ? [{ type: "input_audio", input_audio: { data: block.source.data, format } }] : [];
    }
    default:
      return [];
  }
}

function imagePart(source: MediaSource): ChatCompletionContentPart {
  const url = source.type === "url" ? source.url : `data:${source.media_type};base64,${source.data}`;
  return { type: "image_url", image_url: { url } };
}

function audioFormat(source: MediaSource): "wav" | "mp3" | undefined {
  if (source.type !== "base64") return undefined;
  if (/wav/i.test(source.media_type)) return "wav";
  if (/mp3|mpeg/i.test(source.media_type)) return "mp3";
  return undefined;
}

function imagesOf(block: ToolResultBlock): ChatCompletionContentPart[] {
  if (typeof block.output === "string") return [];
  return block.output.flatMap((part) => (part.type === "image" ? [imagePart(part.source)] : []));
}

function toolResultText(block: ToolResultBlock, imageCount: number): string {
  if (typeof block.output === "string") return block.output;
  const texts = block.output.flatMap((part) => (part.type === "text" ? [part.text] : []));
  if (imageCount > 0) texts.push(`(${imageCount} image${imageCount === 1 ? "" : "s"} in the next message)`);
  return texts.join("\n");
}
