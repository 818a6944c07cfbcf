import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { isSikkerKeyError } from "../../errors.js";
import { describeError, type Logger } from "../../log/index.js";
import type { AppEnv } from "../env.js";
import { problemResponse } from "./problem.js";
import { validationProblems } from "./validation.js";

/** Connection-level failures of either driver: the store is down, not the request wrong. */
const STORE_DOWN = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  // postgres.js's own, when a connect is not answered in time (seen while a store was stopping).
  "CONNECT_TIMEOUT",
  "CONNECTION_ENDED",
  "CONNECTION_CLOSED",
  "CONNECTION_DESTROYED",
  "57P01",
  "57P03",
  "08000",
  "08001",
  "08003",
  "08006",
]);

export function storeDown(error: unknown): boolean {
  for (let e = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && STORE_DOWN.has(code)) return true;
  }
  return false;
}

/**
 * The one place errors become HTTP. Domain errors keep their code and message (written to be
 * shown); anything else is a 500 whose detail names only the request id, because its message
 * may carry query parameters or sealed values.
 */
export function errorHandler(logger: Logger): ErrorHandler<AppEnv> {
  return (error, c) => {
    if (isSikkerKeyError(error)) {
      if (error.code === "INTERNAL") return internal(c, logger, error);
      return problemResponse(c, error.code, error.message, error.fieldErrors);
    }
    const zodProblems = validationProblems(error);
    if (zodProblems) return problemResponse(c, "VALIDATION_FAILED", "the request is not valid", zodProblems);
    if (error instanceof HTTPException) {
      if (error.status === 413)
        return problemResponse(c, "PAYLOAD_TOO_LARGE", "the request body is larger than 64 KiB");
      if (error.status === 404) return problemResponse(c, "ROUTE_NOT_FOUND", "no such route");
      if (error.status === 405) return problemResponse(c, "METHOD_NOT_ALLOWED", "method not allowed");
      if (error.status === 400) return problemResponse(c, "VALIDATION_FAILED", "the request is not valid");
    }
    if (storeDown(error)) {
      logger.error("store unavailable", { requestId: c.get("requestId"), err: describeError(error) });
      return problemResponse(c, "STORE_UNAVAILABLE", "the store is not reachable; try again shortly");
    }
    return internal(c, logger, error);
  };
}

function internal(c: Context<AppEnv>, logger: Logger, error: unknown): Response {
  const requestId = c.get("requestId");
  logger.error("request failed", {
    requestId,
    method: c.req.method,
    path: c.req.path,
    err: describeError(error),
  });
  return problemResponse(c, "INTERNAL", `the server could not complete the request (request ${requestId})`);
}

export const notFoundHandler: NotFoundHandler<AppEnv> = (c) =>
  problemResponse(c, "ROUTE_NOT_FOUND", `no route for ${c.req.method} ${c.req.path}`);
