export type {
  AudioBlock,
  ContentBlock,
  ImageBlock,
  MediaSource,
  Role,
  TextBlock,
  ThinkingBlock,
  ToolResultBlock,
  ToolUseBlock,
  VideoBlock,
} from "./blocks.js";
export { contentBlockSchema, mediaSourceSchema, roleSchema } from "./blocks.js";
export { Msg, type MsgDict, type MsgInit } from "./msg.js";
