import { expect, it } from "vitest";
import type { RouteDoc } from "../http/openapi/routes.js";
import { expectJson, type Harness } from "./harness.js";

/** `/v1/admin/vaults/{vault}` → a concrete path; the placeholders need not name anything. */
export function concretePath(route: RouteDoc): string {
  return route.path.replace(/\{(\w+)\}/g, (_m, name: string) => `x-${name}`);
}

/**
 * What every operator route owes its callers whatever it does: no token, a malformed header, an
 * unknown, revoked or expired token all get the same 401 UNAUTHENTICATED problem, before the
 * route looks at its input; a refused token is audited.
 */
export function runCommonRouteTests(harness: () => Harness, route: RouteDoc): void {
  const send = (token: string | null, headers?: Record<string, string>) =>
    harness().admin(route.method.toUpperCase(), concretePath(route), route.body ? {} : undefined, {
      token,
      ...(headers ? { headers } : {}),
    });

  it("401 without a token", async () => {
    const res = await send(null);
    expect((await expectJson(res, 401))["code"]).toBe("UNAUTHENTICATED");
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
  });

  it("401 for a malformed Authorization header", async () => {
    const res = await send(null, { authorization: "Basic b3BzOnB3" });
    expect((await expectJson(res, 401))["code"]).toBe("UNAUTHENTICATED");
  });

  it("401 for an unknown token, audited", async () => {
    const res = await send("skt_unknown_token_aaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    expect((await expectJson(res, 401))["code"]).toBe("UNAUTHENTICATED");
    const [event] = await harness().events("auth.failed");
    expect(event).toMatchObject({ outcome: "denied", reason: "unknown token" });
    expect(JSON.stringify(event)).not.toContain("skt_unknown_token");
  });
}

/** Tokens the common tests need besides the owner's: one revoked, one expired. */
export async function refusedTokens(h: Harness): Promise<{ revoked: string; expired: string }> {
  const revoked = await expectJson<{ id: string; token: string }>(
    await h.admin("POST", "/v1/admin/tokens", { name: "to-revoke" }),
    201,
  );
  await expectJson(await h.admin("DELETE", `/v1/admin/tokens/${revoked.id}`), 200);
  const expired = await expectJson<{ token: string }>(
    await h.admin("POST", "/v1/admin/tokens", { name: "short", expiresInSeconds: 60 }),
    201,
  );
  return { revoked: revoked.token, expired: expired.token };
}
