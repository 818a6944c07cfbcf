import { type ErrorCode, statusForCode } from "@sikkerkey/protocol";
import type { Context, ErrorHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { isSikkerKeyError } from "../errors.js";
import { validationProblems } from "../http/middleware/validation.js";
import { describeError, type Logger } from "../log/index.js";
import type { DashEnv } from "./env.js";
import { ErrorPage } from "./views/pages/error.js";
import { render } from "./views/render.js";

const TITLES: Partial<Record<ErrorCode, string>> = {
  CSRF_FAILED: "Form expired",
  FORBIDDEN: "Not allowed",
  OWNER_ONLY: "Vault owners only",
  NOT_FOUND: "Not found",
  SECRET_NOT_FOUND: "Not found",
  NOT_READY: "Not available yet",
  PAYLOAD_TOO_LARGE: "Too large",
};

function page(c: Context<DashEnv>, status: number, title: string, message: string): Promise<Response> {
  const session = c.get("session");
  const user = session ? { email: session.email, csrf: session.csrfToken } : undefined;
  const node = <ErrorPage title={title} message={message} {...(user ? { user } : {})} />;
  return render(c, node, status as ContentfulStatusCode);
}

/**
 * Errors become pages: a domain error keeps its message (written to be shown, never holding a
 * secret) and its status; anything else is a 500 naming only the request id.
 */
export function dashboardErrors(logger: Logger): ErrorHandler<DashEnv> {
  return async (error, c) => {
    if (isSikkerKeyError(error) && error.code !== "INTERNAL") {
      if (error.code === "UNAUTHENTICATED") return c.redirect("/login", 303);
      const status = statusForCode(error.code);
      const fields = (error.fieldErrors ?? []).map((f) => ` ${f.path}: ${f.message}.`).join("");
      return page(c, status, TITLES[error.code] ?? "That did not work", error.message + fields);
    }
    const problems = validationProblems(error);
    if (problems) {
      const detail = problems.map((p) => `${p.path}: ${p.message}`).join("; ");
      return page(c, 400, "That is not valid", detail);
    }
    if (error instanceof HTTPException && error.status === 413) {
      return page(c, 413, "Too large", "The form is larger than the dashboard accepts.");
    }
    const requestId = c.get("requestId");
    logger.error("dashboard request failed", { requestId, path: c.req.path, err: describeError(error) });
    return page(
      c,
      500,
      "Something went wrong",
      `The server could not do that (request ${requestId ?? "—"}).`,
    );
  };
}

export function notFoundPage(c: Context<DashEnv>): Promise<Response> {
  return page(c, 404, "Not found", "There is no page here.");
}
