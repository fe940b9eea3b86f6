import { AGENTAPP_YAML } from "./agentapp-yaml.js";
import { APP_TS } from "./app-ts.js";
import { CHECK_TURN_MJS } from "./check-turn-mjs.js";
import { GITIGNORE } from "./gitignore.js";
import { readmeMd } from "./readme-md.js";

export { TEST_COMMAND } from "./test-command.js";

export interface ScaffoldFile {
  /** Relative to the project folder. */
  path: string;
  text: string;
  /** What it is, for the list `agentscope init` prints. */
  about: string;
}

/** The files `agentscope init` writes, for a project named after its folder. */
export function scaffoldFiles(name: string): ScaffoldFile[] {
  return [
    { path: "agentapp.yaml", text: AGENTAPP_YAML, about: "the config: a scripted model, json sessions" },
    { path: "app.ts", text: APP_TS, about: "the App: a ReAct agent with one tool" },
    { path: "check-turn.mjs", text: CHECK_TURN_MJS, about: "the test of one turn" },
    { path: "README.md", text: readmeMd(name), about: "how to run, test and change it" },
    { path: ".gitignore", text: GITIGNORE, about: "sessions/ and node_modules/" },
  ];
}
