/** The scaffold's `agentapp.yaml`: a scripted `main` model, so the project runs offline. */
export const AGENTAPP_YAML = `# The models the App uses: runtime.models.main in app.ts is the "main" slot.
# "scripted" replays the script below, one step per model call, whatever you
# ask: no API key, no network, the same turn every time. To use a real model,
# replace the main slot with one of the examples at the end of this file.
models:
  main:
    provider: scripted
    model: scaffold
    delay_ms: 20                 # pause between streamed chunks
    chunk_chars: 8               # characters per streamed chunk
    script:
      - text: "Let me look up the weather."
        tool_calls: [{ name: get_weather, input: { city: Paris } }]
      - text: "It is sunny and 22 °C in Paris today. Edit app.ts to make this agent yours."

session:
  backend: json                  # one file per conversation under ./sessions

server:
  port: 8080

# Real models: replace the main slot above with one of these.
#
#   main:
#     provider: openai           # or any OpenAI-compatible server, with base_url
#     model: gpt-4o-mini
#     api_key: \${OPENAI_API_KEY}
#
#   main:
#     provider: anthropic
#     model: claude-sonnet-4-5
#     api_key: \${ANTHROPIC_API_KEY}
#
#   main:
#     provider: ollama           # a local model: ollama pull llama3.2
#     model: llama3.2
#     base_url: http://127.0.0.1:11434
`;
