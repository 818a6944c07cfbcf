import type { MiddlewareHandler } from "hono";
import { SikkerKeyError } from "../../errors.js";
import { isUnstorableText } from "../../http/middleware/validation.js";
import type { DashboardContext } from "../deps.js";
import type { DashEnv, FormFields } from "../env.js";
import { overTls, sessionCookie } from "../http/cookies.js";

/**
 * Parses a posted form once; files are never expected, so they are dropped. Text the store cannot
 * hold (U+0000; lone surrogates arrive as U+FFFD from the form decoder) is refused here, as the
 * JSON API refuses it, instead of failing a query further down.
 */
export const readForm: MiddlewareHandler<DashEnv> = async (c, next) => {
  const form: FormFields = {};
  if (c.req.method === "POST") {
    // A body that claims to be a form but is not one (a broken multipart boundary, say) is the
    // sender's mistake: a 400, not a 500 and an error in the log.
    const body = await c.req.parseBody({ all: true }).catch(() => {
      throw new SikkerKeyError("VALIDATION_FAILED", "the request body is not a form that can be read", [
        { path: "form", message: "malformed form body" },
      ]);
    });
    for (const [key, value] of Object.entries(body)) {
      const strings = (Array.isArray(value) ? value : [value]).filter(
        (v): v is string => typeof v === "string",
      );
      if ([key, ...strings].some(isUnstorableText)) {
        throw new SikkerKeyError("VALIDATION_FAILED", "the form holds text that no field can store", [
          { path: "form", message: "U+0000 or a lone surrogate" },
        ]);
      }
      if (strings.length > 0) form[key] = strings.length === 1 ? strings[0]! : strings;
    }
  }
  c.set("form", form);
  await next();
};

/** Only same-site relative paths: `next=` must not turn sign-in into an open redirect. */
export function safeNext(next: string | undefined): string {
  return next && /^\/(?![/\\])[\x21-\x7e]*$/.test(next) ? next : "/";
}

/** Pages past sign-in: a live session, or off to /login (and back here afterwards). */
export function requireSession(ctx: DashboardContext): MiddlewareHandler<DashEnv> {
  return async (c, next) => {
    const token = sessionCookie.get(c, overTls(c, ctx.trustProxy));
    const session = token ? await ctx.sessions.find(token) : undefined;
    if (!session) {
      const url = new URL(c.req.url);
      const back = c.req.method === "GET" ? `?next=${encodeURIComponent(url.pathname + url.search)}` : "";
      return c.redirect(`/login${back}`, 303);
    }
    c.set("session", session);
    c.set("actor", { operatorId: session.operatorId, tokenId: null, sourceIp: c.get("sourceIp") ?? null });
    await next();
  };
}
