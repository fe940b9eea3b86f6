/**
 * The floor: a bare node:http handler that answers POST /invoke with the same
 * frames the echo app streams (three messages and the done frame), with no
 * validation, no worker and no framework.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Msg } from "../src/message/index.js";
import { DONE_FRAME, dataFrame } from "../src/supervisor/sse-frames.js";

const SSE_HEADERS = {
  "Content-Type": "text/event-stream",
  "Cache-Control": "no-cache",
  Connection: "keep-alive",
  "X-Accel-Buffering": "no",
};

export function startBareServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      const text = (JSON.parse(body) as { message: { content: string } }).message.content;
      res.writeHead(200, SSE_HEADERS);
      for (let i = 1; i <= 3; i++) {
        res.write(dataFrame(JSON.stringify(new Msg({ name: "assistant", role: "assistant", content: `${text} ${i}` }).toDict())));
      }
      res.end(DONE_FRAME);
    });
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}
