import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import express, { type NextFunction, type Request, type Response } from "express";
import type { Logger } from "../logging/logger.js";
import { bearerMatches } from "./bearer.js";
import { HttpError, sendError } from "./http-error.js";
import type { LastReload, ReloadResult } from "./reload-status.js";

/** What the routes report about the server. */
export interface ServerStatus {
  instanceId(): string | null;
  /** Seconds since the supervisor started. */
  uptime(): number;
  /** The serving generation's number and worker count, or undefined while none serves. */
  serving(): { generation: number; workers: number } | undefined;
  lastReload(): LastReload | null;
  /** The token POST /admin/reload needs; the route is off without one. */
  adminToken(): string | undefined;
  reload(): Promise<ReloadResult>;
  /** The token GET /metrics needs, if any. */
  metricsToken(): string | undefined;
  metrics(): Promise<string>;
  readonly metricsContentType: string;
}

/**
 * The request listener: POST /invoke goes straight to its handler, every
 * other route through express, where people extend the server.
 */
export function createRequestListener(
  invoke: (req: IncomingMessage, res: ServerResponse) => void,
  status: ServerStatus,
  log: Logger,
): RequestListener {
  const app = createExpressApp(status, log);
  return (req, res) => {
    if (req.method === "POST" && (req.url === "/invoke" || req.url?.startsWith("/invoke?") === true)) invoke(req, res);
    else app(req, res);
  };
}

function createExpressApp(status: ServerStatus, log: Logger): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);

  app.get("/health", (_req, res) => {
    const serving = status.serving();
    res.json({
      status: "healthy",
      instance_id: status.instanceId(),
      uptime: status.uptime(),
      generation: serving?.generation ?? null,
      workers: serving?.workers ?? 0,
      last_reload: status.lastReload(),
    });
  });

  app.get("/metrics", async (req, res) => {
    const token = status.metricsToken();
    if (token !== undefined && !bearerMatches(req.headers.authorization, token)) {
      throw new HttpError(401, "UNAUTHORIZED", "missing or wrong bearer token (Authorization: Bearer <server.metrics_token>)", { "WWW-Authenticate": "Bearer" });
    }
    res.type(status.metricsContentType).send(await status.metrics());
  });

  app.post("/admin/reload", async (req, res) => {
    const token = status.adminToken();
    if (token === undefined) throw new HttpError(404, "NOT_FOUND", "admin endpoints are off: set server.admin_token to enable them");
    if (!bearerMatches(req.headers.authorization, token)) {
      throw new HttpError(401, "UNAUTHORIZED", "missing or wrong bearer token (Authorization: Bearer <server.admin_token>)", { "WWW-Authenticate": "Bearer" });
    }
    const result = await status.reload();
    // 422: the new configuration was refused, and the previous one keeps serving.
    res.status(result.ok ? 200 : 422).json({
      ok: result.ok,
      error: result.error,
      at: result.at,
      generation: result.generation,
      ...(result.tookMs !== undefined && { took_ms: result.tookMs }),
    });
  });

  app.get("/ready", (_req, res) => {
    const serving = status.serving();
    if (serving === undefined) throw new HttpError(503, "NOT_READY", "no generation is serving yet", { "Retry-After": "1" });
    res.json({ status: "ready", generation: serving.generation });
  });

  app.all("/invoke", () => {
    throw new HttpError(405, "METHOD_NOT_ALLOWED", "/invoke takes POST", { Allow: "POST" });
  });

  app.use(() => {
    throw new HttpError(404, "NOT_FOUND", "no such route");
  });

  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (!(error instanceof HttpError)) log.error({ err: error }, "request failed");
    sendError(res, error);
  });
  return app;
}
