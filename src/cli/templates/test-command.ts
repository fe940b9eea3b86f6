/** How the scaffold's README, its test file and `agentscope init` tell a user to run the test. */
export const TEST_COMMAND = `npx agentscope invoke . "What's the weather in Paris?" --json | node check-turn.mjs`;
