import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  concretePath,
  refusedTokens,
  runCommonRouteTests,
} from "../../../test-support/common-route-tests.js";
import { createHarness, expectJson, type Harness } from "../../../test-support/harness.js";
import { ROUTES } from "../../openapi/routes.js";

const operatorRoutes = ROUTES.filter((r) => r.auth === "bearer");

describe("every operator route", () => {
  let h: Harness;
  let tokens: { revoked: string; expired: string };
  beforeAll(async () => {
    h = await createHarness();
    tokens = await refusedTokens(h);
    h.clock.advance(61);
  });
  afterAll(async () => {
    await h.close();
  });

  describe.each(operatorRoutes.map((r) => ({ ...r, name: `${r.method.toUpperCase()} ${r.path}` })))(
    "$name",
    (route) => {
      runCommonRouteTests(() => h, route);

      it("401 for a revoked or an expired token", async () => {
        for (const [token, reason] of [
          [tokens.revoked, "revoked token"],
          [tokens.expired, "expired token"],
        ] as const) {
          const res = await h.admin(
            route.method.toUpperCase(),
            concretePath(route),
            route.body ? {} : undefined,
            { token },
          );
          expect((await expectJson(res, 401))["code"]).toBe("UNAUTHENTICATED");
          const [event] = await h.events("auth.failed");
          expect(event?.reason).toBe(reason);
        }
      });

      // Guards against the OpenAPI table naming a route the server does not have.
      it("exists (a valid token never gets ROUTE_NOT_FOUND)", async () => {
        const res = await h.admin(
          route.method.toUpperCase(),
          concretePath(route),
          route.body ? {} : undefined,
        );
        if (res.headers.get("content-type")?.includes("problem+json")) {
          expect(((await res.json()) as { code: string }).code).not.toBe("ROUTE_NOT_FOUND");
        }
      });
    },
  );

  it("documents every route the admin app serves", async () => {
    const res = await h.admin("GET", "/v1/admin/nope");
    expect((await expectJson(res, 404))["code"]).toBe("ROUTE_NOT_FOUND");
  });
});
