import type { CallToolResult, ContentBlock as McpContent } from "@modelcontextprotocol/sdk/types.js";
import type { ContentBlock } from "../message/index.js";

/**
 * An MCP tool result as a `tool_result` output: text, image and audio
 * content become blocks of the same kind; an embedded text resource becomes
 * its text; a binary resource or a resource link becomes a line naming it;
 * `structuredContent` with no content becomes its JSON. A result flagged
 * `isError` throws an Error carrying its text, so the Toolkit reports an
 * error result.
 */
export function mcpResultToOutput(result: CallToolResult): string | ContentBlock[] {
  const blocks = result.content.map(toBlock);
  if (result.isError === true) {
    const text = blocks.flatMap((block) => (block.type === "text" ? [block.text] : [])).join("\n");
    throw new Error(text === "" ? "the tool reported an error" : text);
  }
  if (blocks.length > 0) return blocks;
  return result.structuredContent === undefined ? "" : JSON.stringify(result.structuredContent);
}

function toBlock(content: McpContent): ContentBlock {
  switch (content.type) {
    case "text":
      return { type: "text", text: content.text };
    case "image":
    case "audio":
      return { type: content.type, source: { type: "base64", media_type: content.mimeType, data: content.data } };
    case "resource": {
      const { resource } = content;
      if ("text" in resource) return { type: "text", text: resource.text };
      return { type: "text", text: `[binary resource ${resource.uri}${resource.mimeType === undefined ? "" : ` (${resource.mimeType})`}, not shown]` };
    }
    case "resource_link":
      return { type: "text", text: `[resource link: ${content.uri}${content.name === "" ? "" : ` "${content.name}"`}]` };
  }
}
