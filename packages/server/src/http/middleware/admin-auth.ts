import type { MiddlewareHandler } from "hono";
import { SikkerKeyError } from "../../errors.js";
import type { TokenService } from "../../services/operators/token-service.js";
import type { AppEnv } from "../env.js";

const BEARER = /^Bearer[ \t]+([A-Za-z0-9._~+/=-]{1,512})[ \t]*$/i;

/** Operator routes: `Authorization: Bearer <api token>`, resolved by hash. */
export function adminAuth(tokens: Pick<TokenService, "authenticate">): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header("authorization");
    const match = header ? BEARER.exec(header) : null;
    if (!match) {
      throw new SikkerKeyError("UNAUTHENTICATED", "this endpoint needs Authorization: Bearer <api token>");
    }
    const sourceIp = c.get("sourceIp");
    const who = await tokens.authenticate(match[1]!, sourceIp);
    c.set("operator", { operatorId: who.operatorId, tokenId: who.tokenId, sourceIp });
    await next();
  };
}
