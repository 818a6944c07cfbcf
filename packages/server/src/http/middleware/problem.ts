import {
  ERROR_STATUS,
  type ErrorCode,
  PROBLEM_CONTENT_TYPE,
  type Problem,
  problemType,
} from "@sikkerkey/protocol";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { FieldError } from "../../errors.js";

/** "SECRET_NOT_FOUND" → "Secret not found": a stable title per code. */
export function titleFor(code: ErrorCode): string {
  const words = code.toLowerCase().replaceAll("_", " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The RFC 9457 document for a code, as every refusal carries it. */
export function problemDocument(code: ErrorCode, detail: string): Problem {
  return { type: problemType(code), title: titleFor(code), status: ERROR_STATUS[code], code, detail };
}

/** RFC 9457 problem document with the protocol's code and the request id. */
export function problemResponse(
  c: Context,
  code: ErrorCode,
  detail: string,
  errors?: FieldError[],
): Response {
  const status = ERROR_STATUS[code];
  const requestId = c.get("requestId") as string | undefined;
  const body: Problem = {
    ...problemDocument(code, detail),
    ...(requestId ? { requestId } : {}),
    ...(errors && errors.length > 0 ? { errors } : {}),
  };
  const headers: Record<string, string> = { "content-type": PROBLEM_CONTENT_TYPE };
  if (code === "UNAUTHENTICATED") headers["www-authenticate"] = 'Bearer realm="sikkerkey"';
  if (requestId) headers["x-request-id"] = requestId;
  return c.body(JSON.stringify(body), status as ContentfulStatusCode, headers);
}
