import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashToken } from "../../ids.js";
import { DEFAULT_API_THROTTLE } from "../../services/auth-throttle/index.js";
import { schema } from "../../store/index.js";
import { createHarness, expectJson, type Harness } from "../../test-support/harness.js";
import {
  createWorld,
  enrollMachine,
  signed,
  type TestMachine,
  type World,
} from "../../test-support/machine-client.js";
import { storeVariants } from "../../test-support/stores.js";

const FREE_OPERATOR = DEFAULT_API_THROTTLE.freeFailures.operator; // 20
const FREE_MACHINE = DEFAULT_API_THROTTLE.freeFailures.machine; // 50
const BASE = DEFAULT_API_THROTTLE.baseLockSeconds; // 30 s, doubling

// Brute force against the API: failed credentials are counted per source address (in the
// store), the address is locked with a 429 + Retry-After once its free failures are spent, the
// lock is audited, and it ends on its own.
describe.each(storeVariants)("API authentication lockout on $name", (variant) => {
  let h: Harness;
  let world: World;
  let machine: TestMachine;
  let ipCounter = 0;
  /** A fresh documentation address per test, so tests do not share counts. */
  const freshIp = () => `198.51.100.${++ipCounter}`;

  beforeAll(async () => {
    h = await createHarness({ store: await variant.open() });
    world = await createWorld(h);
    machine = await enrollMachine(h, world);
  });
  afterAll(async () => {
    await h.close();
  });

  const from = (ip: string) => ({ incoming: { socket: { remoteAddress: ip } } });
  const adminFrom = (ip: string, token: string) =>
    h.server.app.request("/v1/admin/vaults", { headers: { authorization: `Bearer ${token}` } }, from(ip));
  const badToken = (i: number) => `skt_${"x".repeat(40)}${i}`;
  const lockEvents = async (action: "auth.failed" | "machine.auth_denied", ip: string) =>
    (await h.events(action)).filter((e) => e.reason === "address locked out" && e.sourceIp === ip);

  async function expectLocked(res: Response): Promise<number> {
    const body = await expectJson<{ code: string; status: number }>(res, 429);
    expect(body).toMatchObject({ code: "RATE_LIMITED", status: 429 });
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    const retryAfter = Number(res.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    return retryAfter;
  }

  describe("operator bearer tokens", () => {
    it(`locks an address after ${FREE_OPERATOR} bad tokens, even for a good one, and audits the lock once`, async () => {
      const ip = freshIp();
      for (let i = 0; i < FREE_OPERATOR; i++) {
        expect((await adminFrom(ip, badToken(i))).status).toBe(401);
      }
      expect(await lockEvents("auth.failed", ip)).toHaveLength(0);
      // The failure that spends the last free one is still answered (401) and starts the lock.
      expect((await adminFrom(ip, badToken(99))).status).toBe(401);
      expect(await expectLocked(await adminFrom(ip, badToken(100)))).toBe(BASE);
      // Locked means locked: the right token from that address waits too (no oracle for guesses).
      expect(await expectLocked(await adminFrom(ip, h.owner.token))).toBe(BASE);
      const [event, ...more] = await lockEvents("auth.failed", ip);
      expect(more).toHaveLength(0);
      expect(event).toMatchObject({
        outcome: "denied",
        actor: { type: "anonymous" },
        detail: { scope: "operator", failures: FREE_OPERATOR + 1, lockSeconds: BASE },
      });
      // Another address is not affected.
      expect((await adminFrom(freshIp(), h.owner.token)).status).toBe(200);
    });

    it("unlocks after Retry-After; the next failure doubles the lock; a quiet window forgets it", async () => {
      const ip = freshIp();
      for (let i = 0; i <= FREE_OPERATOR; i++) await adminFrom(ip, badToken(i));
      const wait = await expectLocked(await adminFrom(ip, h.owner.token));
      h.clock.advance(wait);
      expect((await adminFrom(ip, h.owner.token)).status).toBe(200);
      // Still over the free count: one more failure locks again, for twice as long.
      expect((await adminFrom(ip, badToken(1))).status).toBe(401);
      expect(await expectLocked(await adminFrom(ip, h.owner.token))).toBe(2 * BASE);
      h.clock.advance(2 * BASE + DEFAULT_API_THROTTLE.windowSeconds);
      // Forgotten: a new typo is just a 401 again, and the good token works.
      expect((await adminFrom(ip, badToken(2))).status).toBe(401);
      expect((await adminFrom(ip, h.owner.token)).status).toBe(200);
    });

    it("does not count requests without credentials, nor successes", async () => {
      const ip = freshIp();
      for (let i = 0; i < FREE_OPERATOR + 5; i++) {
        const res = await h.server.app.request("/v1/admin/vaults", {}, from(ip));
        expect(res.status).toBe(401);
        expect((await adminFrom(ip, h.owner.token)).status).toBe(200);
      }
    });

    it("looks tokens up by their SHA-256 only: the store never holds a token to compare against", async () => {
      // Constant time cannot be measured honestly in a unit test; what can be pinned is that no
      // code path compares the secret itself: the row holds sha256(token), found by equality on
      // that hash, so a guess sharing a prefix with a real token gets no further than any other.
      const rows = await h.store.db.select().from(schema.apiTokens);
      for (const row of rows) expect(row.tokenHash).toMatch(/^[0-9a-f]{64}$/);
      expect(rows.map((r) => r.tokenHash)).toContain(hashToken(h.owner.token));
      expect(JSON.stringify(rows)).not.toContain(h.owner.token);
      const nearMiss = `${h.owner.token.slice(0, -1)}${h.owner.token.endsWith("A") ? "B" : "A"}`;
      const ip = freshIp();
      const [near, far] = [await adminFrom(ip, nearMiss), await adminFrom(ip, badToken(7))];
      const strip = async (r: Response) => {
        const { requestId: _r, ...rest } = await expectJson<Record<string, unknown>>(r, 401);
        return rest;
      };
      expect(await strip(near)).toEqual(await strip(far));
    });
  });

  describe("machine signatures", () => {
    const tamper = (headers: Record<string, string>) => {
      headers["signature"] = headers["signature"]!.replace(
        /:(.)/,
        (_m, c: string) => `:${c === "A" ? "B" : "A"}`,
      );
    };
    const signedFrom = async (ip: string, opts: { bad?: boolean; unsigned?: boolean } = {}) => {
      if (opts.unsigned) return h.server.app.request("/v1/machines/me", {}, from(ip));
      // `signed` sends from TEST_SOURCE_IP; rewrite the connection by wrapping the app.
      const app = h.server.app;
      const viaIp = {
        ...h,
        server: {
          ...h.server,
          app: { request: (p: string, init: RequestInit) => app.request(p, init, from(ip)) },
        },
      } as unknown as Harness;
      return signed(viaIp, "/v1/machines/me", {
        keyId: machine.id,
        key: machine.key,
        ...(opts.bad ? { after: tamper } : {}),
      });
    };

    it(`locks an address after ${FREE_MACHINE} bad signatures, audits it, and lets it back after Retry-After`, async () => {
      const ip = freshIp();
      for (let i = 0; i <= FREE_MACHINE; i++) {
        expect((await signedFrom(ip, { bad: true })).status).toBe(401);
      }
      const wait = await expectLocked(await signedFrom(ip));
      expect(wait).toBe(BASE);
      const [event, ...more] = await lockEvents("machine.auth_denied", ip);
      expect(more).toHaveLength(0);
      expect(event).toMatchObject({
        outcome: "denied",
        detail: { scope: "machine", failures: FREE_MACHINE + 1 },
      });
      // Every counted failure was audited as itself too.
      const denied = (await h.events("machine.auth_denied")).filter(
        (e) => e.sourceIp === ip && e.reason === "bad_signature",
      );
      expect(denied).toHaveLength(FREE_MACHINE + 1);
      // Operator lockout is separate: the same address can still use the admin API.
      expect((await adminFrom(ip, h.owner.token)).status).toBe(200);
      expect((await signedFrom(freshIp())).status).toBe(200);
      h.clock.advance(wait);
      expect((await signedFrom(ip)).status).toBe(200);
    });

    it("does not count unsigned requests", async () => {
      const ip = freshIp();
      for (let i = 0; i < FREE_MACHINE + 5; i++) {
        expect((await signedFrom(ip, { unsigned: true })).status).toBe(401);
      }
      expect((await signedFrom(ip)).status).toBe(200);
    });
  });
});
