import type { Context, MiddlewareHandler } from "hono";
import type { MachineAuthenticator, ReceivedRequest } from "../../services/machine-api/machine-auth.js";
import type { AppEnv } from "../env.js";

/**
 * The request as the signer saw it. `@authority` is the Host header this server received, so
 * the URL is rebuilt with it (in-process requests without one keep their URL's host).
 */
export function receivedRequest(c: Context<AppEnv>, body?: Uint8Array): ReceivedRequest {
  const url = new URL(c.req.url);
  const host = c.req.header("host");
  if (host) url.host = host;
  return { method: c.req.method, url: url.href, headers: c.req.raw.headers, body };
}

/** Signed machine routes without a body: verifies the signature and puts the machine on the context. */
export function machineAuth(authenticator: MachineAuthenticator): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const machine = await authenticator.authenticate(receivedRequest(c), {
      sourceIp: c.get("sourceIp"),
      path: c.req.path,
    });
    c.set("machine", machine);
    await next();
  };
}
