import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import type { DashEnv } from "../env.js";

/**
 * The `__Host-` prefix pins the cookie to this host and path `/` and demands Secure, so it is
 * used whenever the request came over TLS; plain HTTP (a laptop, a test) uses the bare name.
 */
const SESSION = "sikkerkey_session";
const LOGIN = "sikkerkey_login";

export function overTls(c: Context<DashEnv>, trustProxy: boolean): boolean {
  if (new URL(c.req.url).protocol === "https:") return true;
  return trustProxy && c.req.header("x-forwarded-proto")?.split(",")[0]?.trim() === "https";
}

function name(base: string, secure: boolean): string {
  return secure ? `__Host-${base}` : base;
}

function set(c: Context<DashEnv>, base: string, value: string, secure: boolean, maxAge: number): void {
  setCookie(c, name(base, secure), value, {
    httpOnly: true,
    secure,
    sameSite: "Strict",
    path: "/",
    maxAge,
  });
}

function get(c: Context<DashEnv>, base: string, secure: boolean): string | undefined {
  return getCookie(c, name(base, secure));
}

export const sessionCookie = {
  get: (c: Context<DashEnv>, secure: boolean) => get(c, SESSION, secure),
  set: (c: Context<DashEnv>, token: string, secure: boolean, maxAge: number) =>
    set(c, SESSION, token, secure, maxAge),
  clear: (c: Context<DashEnv>, secure: boolean) => set(c, SESSION, "", secure, 0),
};

/** A nonce for the sign-in forms, which have no session to bind their CSRF token to. */
export const loginCookie = {
  get: (c: Context<DashEnv>, secure: boolean) => get(c, LOGIN, secure),
  set: (c: Context<DashEnv>, nonce: string, secure: boolean) => set(c, LOGIN, nonce, secure, 3600),
};
