import { type Context, Hono } from "hono";
import { isSikkerKeyError } from "../../errors.js";
import { checkLoginToken, issueLoginToken } from "../auth/csrf.js";
import { safeNext } from "../auth/guard.js";
import { passwordProblem, setOperatorPassword } from "../auth/operator-password.js";
import { auditRefusal, signIn } from "../auth/sign-in.js";
import type { DashboardContext } from "../deps.js";
import type { DashEnv } from "../env.js";
import { overTls, sessionCookie } from "../http/cookies.js";
import { type FieldErrors, text } from "../http/form.js";
import { LoginPage } from "../views/pages/login.js";
import { TokenSignInPage } from "../views/pages/token-sign-in.js";
import { render } from "../views/render.js";

export function authRoutes(ctx: DashboardContext): Hono<DashEnv> {
  const app = new Hono<DashEnv>();
  const secure = (c: Context<DashEnv>) => overTls(c, ctx.trustProxy);
  const csrf = (c: Context<DashEnv>) => issueLoginToken(c, ctx.sealer, ctx.clock, secure(c));

  async function startSession(c: Context<DashEnv>, operatorId: string, next: string): Promise<Response> {
    const { token } = await ctx.sessions.create(operatorId, c.get("sourceIp") ?? null);
    sessionCookie.set(c, token, secure(c), ctx.sessionLimits.absoluteSeconds);
    return c.redirect(safeNext(next), 303);
  }

  app.get("/login", (c) => render(c, <LoginPage csrf={csrf(c)} next={safeNext(c.req.query("next"))} />));

  app.post("/login", async (c) => {
    checkLoginToken(c, ctx.sealer, ctx.clock, secure(c));
    const form = c.get("form");
    const email = text(form, "email");
    const next = safeNext(text(form, "next"));
    const result = await signIn(ctx, email, text(form, "password"), c.get("sourceIp") ?? null);
    if (result.ok) return startSession(c, result.operatorId, next);
    const problem =
      result.lockedFor > 0
        ? `Too many failed sign-ins. Try again in ${result.lockedFor} seconds.`
        : "The email or the password is wrong.";
    const page = <LoginPage csrf={csrf(c)} next={next} email={email} problem={problem} />;
    return render(c, page, result.lockedFor > 0 ? 429 : 401);
  });

  app.get("/login/token", (c) => render(c, <TokenSignInPage csrf={csrf(c)} />));

  app.post("/login/token", async (c) => {
    checkLoginToken(c, ctx.sealer, ctx.clock, secure(c));
    const form = c.get("form");
    const ip = c.get("sourceIp") ?? null;
    // Tokens are unguessable, but the address backoff still spares the server a flood.
    const keys = { email: "(api token)", ip };
    const locked = await ctx.throttle.lockedFor(keys);
    if (locked > 0) {
      await auditRefusal(ctx, "dashboard token sign-in refused: locked out", ip);
      const problem = `Too many failed attempts. Try again in ${locked} seconds.`;
      return render(c, <TokenSignInPage csrf={csrf(c)} problem={problem} />, 429);
    }
    const password = text(form, "password");
    const errors: FieldErrors = {};
    const weak = passwordProblem(password);
    if (weak) errors["password"] = weak;
    else if (password !== text(form, "confirm")) errors["confirm"] = "the two passwords differ";
    if (Object.keys(errors).length > 0) {
      return render(c, <TokenSignInPage csrf={csrf(c)} errors={errors} />, 400);
    }
    let operatorId: string;
    try {
      // Audits its own refusals (`auth.failed`), as for any API call with a bad token.
      const token = text(form, "token").trim();
      operatorId = (await ctx.services.tokens.authenticate(token, ip, { acceptInvitation: true })).operatorId;
    } catch (error) {
      if (!isSikkerKeyError(error) || error.code !== "UNAUTHENTICATED") throw error;
      await ctx.throttle.recordFailure(keys);
      const refused = { token: "this API token is not valid (unknown, revoked or expired)" };
      return render(c, <TokenSignInPage csrf={csrf(c)} errors={refused} />, 401);
    }
    await setOperatorPassword(ctx.db, operatorId, password, ctx.passwordCost);
    await ctx.services.audit.record({
      action: "operator.password_set",
      actor: { type: "operator", id: operatorId },
      sourceIp: ip,
      detail: { via: "dashboard token sign-in" },
    });
    return startSession(c, operatorId, "/");
  });

  // The session and CSRF checks ran already: /logout is not one of the public paths.
  app.post("/logout", async (c) => {
    const token = sessionCookie.get(c, secure(c));
    if (token) await ctx.sessions.end(token);
    sessionCookie.clear(c, secure(c));
    return c.redirect("/login", 303);
  });
  return app;
}
