import type { Context, MiddlewareHandler } from "hono";
import type { ApiAuthThrottle } from "../../services/auth-throttle/index.js";
import type {
  AuthenticateOptions,
  MachineAuthenticator,
  ReceivedRequest,
} from "../../services/machine-api/machine-auth.js";
import type { MachineRow } from "../../services/machines/machine-view.js";
import type { AppEnv } from "../env.js";
import { countFailure, lockedAnswer } from "./auth-throttle.js";

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

/**
 * Signed machine routes without a body: verifies the signature and puts the machine on the
 * context. An address that keeps failing is locked out (429) before its signatures are checked.
 * `verified` is told the machine once its signature is proven, while its nonce is recorded.
 */
export function machineAuth(
  authenticator: MachineAuthenticator,
  throttle?: ApiAuthThrottle,
  verified?: (c: Context<AppEnv>, machine: MachineRow) => void,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const locked = lockedAnswer(c, throttle, "machine");
    if (locked) return locked;
    let machine: MachineRow;
    try {
      const options: AuthenticateOptions = verified ? { verified: (m) => verified(c, m) } : {};
      machine = await authenticator.authenticate(
        receivedRequest(c),
        { sourceIp: c.get("sourceIp"), path: c.req.path },
        options,
      );
    } catch (error) {
      await countFailure(c, throttle, "machine", error);
      throw error;
    }
    c.set("machine", machine);
    await next();
  };
}
