export { Supervisor, type SupervisorOptions } from "./supervisor.js";
