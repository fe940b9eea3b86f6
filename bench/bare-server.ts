/**
 * The floor: a bare node:http handler that answers POST /invoke with the same
 * frames the probe App streams, with no validation, no worker and no
 * framework. Two of the probe's modes: `echo` (three messages and the done
 * frame, the default) and `slow` (`count` ticks `delay_ms` apart).
 */
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { threadId } from "node:worker_threads";
import { Msg } from "../src/message/index.js";
import { DONE_FRAME, dataFrame } from "../src/supervisor/sse-frames.js";

const SSE_HEADERS = {
  "Content-Type": "text/event-stream",
  "Cache-Control": "no-cache",
  Connection: "keep-alive",
  "X-Accel-Buffering": "no",
};

interface BareRequest {
  message: { content: string };
  metadata?: { mode?: string; count?: number; delay_ms?: number };
}

function frame(text: string, metadata: Record<string, unknown> = {}): string {
  return dataFrame(JSON.stringify(new Msg({ name: "assistant", role: "assistant", content: text, metadata }).toDict()));
}

/** The probe's `slow` mode: a tick, a pause, and so on; the done frame after the last pause. */
function streamTicks(res: ServerResponse, count: number, delayMs: number): void {
  let sent = 0;
  const tick = (): void => {
    if (sent === count) {
      res.end(DONE_FRAME);
      return;
    }
    res.write(frame(`tick ${sent++}`, { threadId }));
    timer = setTimeout(tick, delayMs);
  };
  let timer: NodeJS.Timeout | undefined;
  res.once("close", () => clearTimeout(timer));
  tick();
}

export function startBareServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      const { message, metadata } = JSON.parse(body) as BareRequest;
      res.writeHead(200, SSE_HEADERS);
      if (metadata?.mode === "slow") {
        streamTicks(res, metadata.count ?? 1000, metadata.delay_ms ?? 20);
        return;
      }
      for (let i = 1; i <= 3; i++) res.write(frame(`${message.content} ${i}`));
      res.end(DONE_FRAME);
    });
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
