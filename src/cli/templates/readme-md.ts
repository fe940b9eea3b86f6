import { TEST_COMMAND } from "./test-command.js";

/** The scaffold's `README.md`, titled with the project's folder name. */
export function readmeMd(name: string): string {
  return `# ${name}

An agentscope project: a ReAct agent (\`app.ts\`) with one tool, \`get_weather\`, on a scripted
model (\`agentapp.yaml\`). It runs at once, with no API key and no network; the model replays
its script whatever you ask.

The commands below run in this folder once agentscope is installed: \`npm link\` in a clone of
agentscope, or a path dependency. To run them in the clone instead, put this folder's path where
they say \`.\`, as in \`npx agentscope invoke path/to/${name} "Hello"\`, and pipe the test into
\`node path/to/${name}/check-turn.mjs\`.

## Invoke one turn

\`\`\`sh
npx agentscope invoke . "What's the weather in Paris?"
npx agentscope invoke . "And tomorrow?" --session demo     # continue a conversation
npx agentscope invoke . "Hello" --json                     # the raw frames POST /invoke streams
\`\`\`

## Serve it

\`\`\`sh
npx agentscope run .
curl -N http://localhost:8080/invoke -H 'Content-Type: application/json' \\
  -d '{"session_id": "demo", "message": {"name": "user", "role": "user", "content": "Weather in Paris?"}}'
\`\`\`

Conversations are saved per session id under \`./sessions\`.

## Test

\`\`\`sh
${TEST_COMMAND}
\`\`\`

\`invoke --json\` runs one turn on the scripted model and prints its frames; \`check-turn.mjs\`
checks them with \`node:test\`: the tool call, its result, the answer and the done frame.

## Use a real model

Replace the \`main\` slot of \`agentapp.yaml\` with one of the examples at its end (OpenAI,
Anthropic, Ollama) and set its key, e.g. \`export OPENAI_API_KEY=sk-...\`. \`app.ts\` runs
unchanged. Keep the scripted config for the test: copy \`agentapp.yaml\` to \`agentapp.test.yaml\`
first, and add \`--config agentapp.test.yaml\` to the test's \`invoke\`.
`;
}
