import type { MiddlewareHandler } from "hono";
import { SikkerKeyError } from "../../errors.js";
import type { ApiAuthThrottle } from "../../services/auth-throttle/index.js";
import type { AuthenticatedOperator, TokenService } from "../../services/operators/token-service.js";
import type { AppEnv } from "../env.js";
import { countFailure, lockedAnswer } from "./auth-throttle.js";

const BEARER = /^Bearer[ \t]+([A-Za-z0-9._~+/=-]{1,512})[ \t]*$/i;

/**
 * Operator routes: `Authorization: Bearer <api token>`, resolved by hash. An address that keeps
 * presenting bad tokens is locked out (429) before its tokens are looked up.
 */
export function adminAuth(
  tokens: Pick<TokenService, "authenticate">,
  throttle?: ApiAuthThrottle,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header("authorization");
    const match = header ? BEARER.exec(header) : null;
    if (!match) {
      throw new SikkerKeyError("UNAUTHENTICATED", "this endpoint needs Authorization: Bearer <api token>");
    }
    const locked = lockedAnswer(c, throttle, "operator");
    if (locked) return locked;
    const sourceIp = c.get("sourceIp");
    let who: AuthenticatedOperator;
    try {
      who = await tokens.authenticate(match[1]!, sourceIp);
    } catch (error) {
      await countFailure(c, throttle, "operator", error);
      throw error;
    }
    c.set("operator", { operatorId: who.operatorId, tokenId: who.tokenId, sourceIp });
    await next();
  };
}
