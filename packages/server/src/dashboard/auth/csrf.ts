import { randomBytes } from "node:crypto";
import type { Context, MiddlewareHandler } from "hono";
import type { Clock } from "../../clock.js";
import type { Sealer } from "../../crypto/index.js";
import { SikkerKeyError } from "../../errors.js";
import { safeEqual } from "../../ids.js";
import type { DashEnv } from "../env.js";
import { loginCookie } from "../http/cookies.js";
import { text } from "../http/form.js";

/** Every form carries this hidden field. */
export const CSRF_FIELD = "_csrf";

function refused(): SikkerKeyError {
  return new SikkerKeyError(
    "CSRF_FAILED",
    "this form has expired or did not come from this dashboard; go back, reload the page and try again",
  );
}

/**
 * Signed-in forms: a synchronizer token stored with the session (server-side) must come back
 * in the form. A cross-site page can make the browser post, but cannot read the token.
 */
export const requireCsrf: MiddlewareHandler<DashEnv> = async (c, next) => {
  const sent = text(c.get("form"), CSRF_FIELD);
  if (!sent || !safeEqual(sent, c.get("session").csrfToken)) throw refused();
  await next();
};

const LOGIN_AAD = "dashboard.login_csrf";
const LOGIN_TOKEN_SECONDS = 3600;

/**
 * The sign-in forms have no session yet (login CSRF would sign a victim into the attacker's
 * account). A random nonce goes into a SameSite cookie, and the form gets that nonce sealed
 * under the master key with an expiry: a token that only this server could have made, bound to
 * this browser's cookie, and valid on every replica.
 */
export function issueLoginToken(c: Context<DashEnv>, sealer: Sealer, clock: Clock, secure: boolean): string {
  let nonce = loginCookie.get(c, secure);
  if (!nonce || !/^[A-Za-z0-9_-]{43}$/.test(nonce)) {
    nonce = randomBytes(32).toString("base64url");
    loginCookie.set(c, nonce, secure);
  }
  const expires = Math.floor(clock.now().getTime() / 1000) + LOGIN_TOKEN_SECONDS;
  return sealer.seal(`${nonce}|${expires}`, LOGIN_AAD);
}

export function checkLoginToken(c: Context<DashEnv>, sealer: Sealer, clock: Clock, secure: boolean): void {
  const nonce = loginCookie.get(c, secure);
  const sent = text(c.get("form"), CSRF_FIELD);
  if (!nonce || !sent) throw refused();
  let opened: string;
  try {
    opened = sealer.open(sent, LOGIN_AAD);
  } catch {
    throw refused();
  }
  const [sealedNonce, expires] = opened.split("|");
  if (!sealedNonce || !safeEqual(sealedNonce, nonce)) throw refused();
  if (Number(expires) * 1000 < clock.now().getTime()) throw refused();
}
