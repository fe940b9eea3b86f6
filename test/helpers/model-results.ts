import type { ChatResponse } from "../../src/models/index.js";

/** Every chunk of a model stream, in order. */
export async function collect(stream: AsyncIterable<ChatResponse>): Promise<ChatResponse[]> {
  const chunks: ChatResponse[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

/** The error a call rejects with; fails the test if it succeeds. */
export async function failure(call: Promise<unknown> | (() => Promise<unknown>)): Promise<unknown> {
  try {
    await (typeof call === "function" ? call() : call);
  } catch (error) {
    return error;
  }
  throw new Error("expected a failure, got a result");
}

/** The text blocks of a response, joined ("" for none, or no response). */
export function textOf(response: ChatResponse | undefined): string {
  return (response?.content ?? []).flatMap((block) => (block.type === "text" ? [block.text] : [])).join("");
}
