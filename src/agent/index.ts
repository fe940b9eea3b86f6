export { ReActAgent, type ReActAgentOptions } from "./react-agent.js";
export { InMemoryMemory } from "./memory.js";
