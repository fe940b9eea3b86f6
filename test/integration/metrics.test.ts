import { expect } from "chai";
import { startServer, type AgentscopeProcess } from "../helpers/agentscope-process.js";
import { probeProject } from "../helpers/fixtures.js";
import { httpRequest, invoke, userMessage } from "../helpers/http-client.js";
import { tempProject, type TempProject } from "../helpers/temp-project.js";

const SECRETS = { AUTH: "invoke-token-SECRET-1", ADMIN: "admin-token-SECRET-2", METRICS: "metrics-token-SECRET-3", KEY: "sk-model-key-SECRET-4" };

const CONFIG = `
models:
  main:
    provider: scripted
    api_key: \${MODEL_KEY}
    model: counted
    script:
      - text: "Checking the clock."
        tool_calls: [{ name: clock }]
        usage: { input_tokens: 12, output_tokens: 5 }
      - text: "It is noon."
        usage: { input_tokens: 20, output_tokens: 3 }
server:
  workers: 2
  auth_token: \${AUTH_TOKEN}
  admin_token: \${ADMIN_TOKEN}
  metrics_token: \${METRICS_TOKEN}
session:
  backend: memory
`;

/** The samples of a Prometheus text exposition, after checking every line's syntax. */
function parseExposition(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*",?)*\})? (-?[0-9.e+-]+|NaN|\+Inf|-Inf)$/;
  for (const line of text.split("\n")) {
    if (line === "") continue;
    if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
      expect(line).to.match(/^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+$/);
      continue;
    }
    const match = sample.exec(line);
    expect(match, `not a Prometheus sample line: ${line}`).to.not.equal(null);
    samples.set(`${match![1]}${match![2] ?? ""}`, Number(match![3]));
  }
  return samples;
}

describe("Prometheus metrics and logs", function () {
  let project: TempProject;
  let proc: AgentscopeProcess;
  let url: string;
  const auth = { Authorization: `Bearer ${SECRETS.AUTH}` };

  before(async function () {
    project = await tempProject(await probeProject(CONFIG));
    ({ url, proc } = await startServer(project.dir, {
      env: { AUTH_TOKEN: SECRETS.AUTH, ADMIN_TOKEN: SECRETS.ADMIN, METRICS_TOKEN: SECRETS.METRICS, MODEL_KEY: SECRETS.KEY },
    }));
  });

  after(async function () {
    await proc?.kill();
    await project?.remove();
  });

  it("counts a known sequence of requests exactly", async function () {
    const body = (mode: string) => ({ session_id: `m-${mode}`, message: userMessage("x"), metadata: { mode } });
    await invoke(url, body("echo"), auth);
    await invoke(url, { ...body("echo"), session_id: "m-echo-2" }, auth);
    await invoke(url, body("throw"), auth);
    await invoke(url, body("react"), auth);
    expect((await httpRequest(url, { path: "/invoke", body: { session_id: "" }, headers: auth })).status).to.equal(400);
    expect((await httpRequest(url, { path: "/invoke", body: body("echo") })).status).to.equal(401);
    expect((await httpRequest(url, { path: "/admin/reload", method: "POST", headers: { Authorization: `Bearer ${SECRETS.ADMIN}` } })).status).to.equal(200);

    const refused = await httpRequest(url, { path: "/metrics" });
    expect(refused.status).to.equal(401);
    const scraped = await httpRequest(url, { path: "/metrics", headers: { Authorization: `Bearer ${SECRETS.METRICS}` } });
    expect(scraped.status).to.equal(200);
    expect(scraped.headers["content-type"]).to.match(/^text\/plain; version=0\.0\.4/);
    const m = parseExposition(scraped.text);

    expect(m.get('agentscope_invoke_requests_total{outcome="ok"}')).to.equal(3);
    expect(m.get('agentscope_invoke_requests_total{outcome="app_error"}')).to.equal(1);
    expect(m.get('agentscope_invoke_requests_total{outcome="invalid_request"}')).to.equal(1);
    expect(m.get('agentscope_invoke_requests_total{outcome="unauthorized"}')).to.equal(1);
    expect(m.get("agentscope_invoke_duration_seconds_count")).to.equal(4);
    // echo: 3 + 3; throw: 1; react: two text chunks (16 characters each), the tool call, its result, the answer.
    expect(m.get("agentscope_messages_streamed_total")).to.equal(12);
    const model = 'gen_ai_operation_name="chat",gen_ai_provider_name="scripted",gen_ai_request_model="counted"';
    expect(m.get('agentscope_model_calls_total{provider="scripted",model="counted",outcome="ok"}')).to.equal(2);
    expect(m.get(`gen_ai_client_operation_duration_seconds_count{${model},error_type=""}`)).to.equal(2);
    expect(m.get(`gen_ai_client_token_usage_sum{${model},gen_ai_token_type="input"}`)).to.equal(32);
    expect(m.get(`gen_ai_client_token_usage_sum{${model},gen_ai_token_type="output"}`)).to.equal(8);
    expect(m.get(`gen_ai_client_token_usage_bucket{le="16",${model},gen_ai_token_type="input"}`)).to.equal(1);
    expect(m.get(`gen_ai_client_operation_time_to_first_chunk_seconds_count{${model}}`)).to.equal(2);
    expect(m.get('agentscope_tool_calls_total{tool="clock",outcome="ok"}')).to.equal(1);
    expect(m.get('agentscope_config_reloads_total{result="success"}')).to.equal(1);
    expect(m.get("agentscope_worker_crashes_total")).to.equal(0);
    expect(m.get("agentscope_workers")).to.equal(2);
    expect(m.get("agentscope_active_streams")).to.equal(0);
    expect(m.has("process_resident_memory_bytes")).to.equal(true);
    // No unbounded label values: no session ids, no request ids.
    expect(scraped.text).not.to.contain("m-echo");
  });

  it("echoes X-Request-Id, or makes one, and logs it with the session id", async function () {
    const given = await httpRequest(url, { path: "/invoke", body: { session_id: "r", message: userMessage("x") }, headers: { ...auth, "X-Request-Id": "req-42" } });
    expect(given.headers["x-request-id"]).to.equal("req-42");
    const failed = await httpRequest(url, {
      path: "/invoke",
      body: { session_id: "logged-session", message: userMessage("x"), metadata: { mode: "throw" } },
      headers: { ...auth, "X-Request-Id": "req-43" },
    });
    expect(failed.status).to.equal(200);
    const line = await proc.waitForLog((l) => l.msg === "app error" && l["requestId"] === "req-43");
    expect(line).to.include({ sessionId: "logged-session", level: "warning" });
    const made = await httpRequest(url, { path: "/invoke", body: { session_id: "" }, headers: auth });
    expect(made.headers["x-request-id"]).to.match(/^[0-9a-f-]{36}$/);
  });

  it("never writes a key or token to its logs or answers", function () {
    const everything = proc.stdout + proc.stderr;
    expect(proc.logs.length).to.be.above(3);
    for (const secret of Object.values(SECRETS)) expect(everything).not.to.contain(secret);
  });
});
