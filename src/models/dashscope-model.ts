import type { ChatCompletionToolChoiceOption } from "openai/resources/chat/completions";
import type { ModelConfig } from "../config/index.js";
import type { ChatModel, ToolChoice } from "./chat-model.js";
import { OpenAIModel } from "./openai-model.js";
import { providerModelOptions, type ProviderModelOptions } from "./provider-model.js";

/** DashScope's OpenAI-compatible endpoint (mainland China; `dashscope-intl.aliyuncs.com` outside it). */
export const DASHSCOPE_BASE_URL = "https://dashscope.aliyuncs.com/compatible-mode/v1";

/**
 * Qwen and the other DashScope models, through DashScope's OpenAI-compatible
 * endpoint. The key defaults to `DASHSCOPE_API_KEY`. DashScope's own request
 * options pass through `generateKwargs` into the body, and its reasoning
 * (`reasoning_content`) becomes `thinking` blocks.
 *
 * @example
 * const model = new DashScopeModel({ model: "qwen-plus", generateKwargs: { enable_thinking: true } });
 */
export class DashScopeModel extends OpenAIModel {
  constructor(options: ProviderModelOptions) {
    super(options, { provider: "dashscope", defaultBaseUrl: DASHSCOPE_BASE_URL });
  }

  /**
   * DashScope takes `auto`, `none` and a named function, but not `required`;
   * that is sent as `auto`, as AgentScope's Python DashScope model does, so
   * the model may still answer in text.
   */
  protected override formatToolChoice(choice: ToolChoice): ChatCompletionToolChoiceOption {
    return super.formatToolChoice(choice === "required" ? "auto" : choice);
  }
}

/** Builds the model of a `dashscope` slot. */
export function createDashScopeModel(_slot: string, config: ModelConfig): ChatModel {
  return new DashScopeModel(providerModelOptions(config));
}
