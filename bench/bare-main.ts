/**
 * Runs the bare server (bare-server.ts) as its own process, so the harness
 * measures it the way it measures `agentscope run`: prints `{"url":…}` once
 * listening, and exits on SIGTERM.
 */
import { startBareServer } from "./bare-server.js";

const server = await startBareServer();
process.once("SIGTERM", () => void server.close());
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
