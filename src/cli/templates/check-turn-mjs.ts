import { TEST_COMMAND } from "./test-command.js";

/**
 * The scaffold's test, `check-turn.mjs`: it reads the frames of one turn that
 * `agentscope invoke --json` pipes into it and checks them with node:test.
 * Plain JavaScript, so it runs with `node` alone, in a folder with no install.
 */
export const CHECK_TURN_MJS = `// The test of this project: one turn of the App on the scripted model,
// checked frame by frame. Run it from this folder:
//
//   ${TEST_COMMAND}
//
// \`agentscope invoke --json\` prints the turn's frames exactly as POST /invoke
// streams them; this file reads them from its input.
import assert from "node:assert/strict";
import { test } from "node:test";

if (process.stdin.isTTY) {
  process.stderr.write(${JSON.stringify(`Pipe a turn into this file: ${TEST_COMMAND}\n`)});
  process.exit(2);
}

let input = "";
for await (const chunk of process.stdin.setEncoding("utf8")) input += chunk;
const frames = input
  .split("\\n\\n")
  .filter((block) => block.startsWith("data: "))
  .map((block) => JSON.parse(block.slice("data: ".length)));
const messages = frames.slice(0, -1);
const blocks = messages.flatMap((m) => (typeof m.content === "string" ? [{ type: "text", text: m.content }] : m.content));

test("the turn ends with the done frame and no error", () => {
  assert.deepEqual(frames.at(-1), { name: "assistant", role: "assistant", content: "", metadata: { done: true } });
  assert.deepEqual(frames.filter((frame) => frame.error !== undefined), []);
});

test("the agent calls get_weather and gets its result", () => {
  const call = blocks.find((block) => block.type === "tool_use");
  assert.equal(call?.name, "get_weather");
  assert.deepEqual(call.input, { city: "Paris" });
  const result = blocks.find((block) => block.type === "tool_result" && block.id === call.id);
  assert.equal(result?.output, "It is sunny and 22 °C in Paris.");
});

test("then it answers", () => {
  // The answer streams as cumulative chunks: the last one holds the whole text.
  const answer = messages.at(-1);
  assert.equal(answer?.role, "assistant");
  const text = answer.content.filter((block) => block.type === "text").map((block) => block.text).join("");
  assert.match(text, /sunny and 22 °C in Paris/);
});
`;
