import { request, type Agent } from "node:http";

/** GETs `url`, reads the whole answer, and says how long that took. */
export function timedGet(url: string, options: { agent?: Agent; signal?: AbortSignal } = {}): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: options.agent ?? false, ...(options.signal && { signal: options.signal }) });
    req.on("error", reject);
    req.on("response", (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
      res.on("error", reject);
    });
    req.end();
  });
}
