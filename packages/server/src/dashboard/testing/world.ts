import type { ConnectionTestResult, Role } from "@sikkerkey/protocol";
import { Hono } from "hono";
import { expect } from "vitest";
import type { ManualClock } from "../../clock.js";
import type { Keyring } from "../../crypto/index.js";
import type { AppEnv } from "../../http/env.js";
import { requestContext } from "../../http/middleware/request-context.js";
import { newId } from "../../ids.js";
import type { OperatorActor } from "../../services/actor.js";
import type { Services } from "../../services/index.js";
import { openStore, type Store, schema } from "../../store/index.js";
import { servicesOn } from "../../test-support/services.js";
import { setOperatorPassword } from "../auth/operator-password.js";
import { TEST_COST } from "../auth/password.js";
import type { ThrottlePolicy } from "../auth/throttle.js";
import { createDashboard } from "../index.js";
import { type DashboardLeasedOps, leasedOpsFromServices } from "../leased-ops.js";
import { TestBrowser } from "./browser.js";

export const OWNER_EMAIL = "owner@example.com";
export const PASSWORD = "correct horse battery staple";

/** What "Test connection" answers in route tests (no target database here). */
export const CANNOT_TERMINATE: ConnectionTestResult = {
  ok: false,
  serverVersion: "15.8",
  superuser: false,
  checks: [
    { name: "connect", ok: true, message: "reached 127.0.0.1:5432" },
    { name: "authenticate", ok: true, message: "signed in as admin" },
    { name: "create_role", ok: true, message: "a probe login was created and rolled back" },
    {
      name: "terminate_sessions",
      ok: false,
      message: "the admin cannot end the sessions of the logins it creates",
      fix: 'GRANT pg_signal_backend TO "admin";',
    },
  ],
};

export interface DashboardWorld {
  app: Hono<AppEnv>;
  store: Store;
  services: Services;
  keyring: Keyring;
  clock: ManualClock;
  owner: OperatorActor;
  /** Every connection the fake lease ops were asked to test (to check what reached them). */
  tested: unknown[];
  browser(ip?: string, headers?: Record<string, string>): TestBrowser;
  /** A browser signed in as `email` (the owner by default). */
  signedIn(email?: string, ip?: string): Promise<TestBrowser>;
  /** Another operator with a password, member of `vault` with `role`. */
  operator(vault: string, role: Role): Promise<string>;
  /**
   * A leased secret in vault `prod`, project `api` (which the test made), on a target that is
   * never contacted (the lease ops are faked): for pages that show leases.
   */
  leasedSecret(id: string): Promise<void>;
  /** A machine row straight in the store, with any name (even one the API would refuse). */
  machine(vaultId: string, name: string, status?: "pending" | "enabled" | "disabled"): Promise<string>;
  close(): Promise<void>;
}

let ips = 0;

export async function dashboardWorld(
  options: { leased?: Partial<DashboardLeasedOps>; throttle?: ThrottlePolicy } = {},
): Promise<DashboardWorld> {
  const store = await openStore({ memory: true });
  const { services, keyring, clock, owner } = await servicesOn(store);
  await setOperatorPassword(store.db, owner.operatorId, PASSWORD, TEST_COST);
  const tested: unknown[] = [];
  const leased: DashboardLeasedOps = {
    ...leasedOpsFromServices(services),
    testConnection: async (_actor, connection) => {
      tested.push(connection);
      return CANNOT_TERMINATE;
    },
    ...options.leased,
  };
  const app = new Hono<AppEnv>();
  // As in the server: the request context runs first and fixes the client address.
  app.use("*", requestContext({ trustProxy: true }));
  app.route(
    "/",
    createDashboard({
      services,
      db: store.db,
      sealer: keyring,
      clock,
      leased,
      trustProxy: true,
      passwordCost: TEST_COST,
      ...(options.throttle ? { throttle: options.throttle } : {}),
    }),
  );
  const world: DashboardWorld = {
    app,
    store,
    services,
    keyring,
    clock,
    owner,
    tested,
    browser: (ip = `198.51.100.${++ips % 250}`, headers = {}) =>
      new TestBrowser(app, { "x-forwarded-for": ip, ...headers }),
    async signedIn(email = OWNER_EMAIL, ip) {
      const b = world.browser(ip);
      await b.page("/login");
      const { res } = await b.post("/login", { _csrf: b.csrf(), email, password: PASSWORD, next: "/" });
      expect(res.status).toBe(303);
      await b.page("/");
      return b;
    },
    async operator(vault, role) {
      const email = `${role}-${newId("request").slice(4, 12).toLowerCase()}@example.com`;
      const member = await services.members.add(owner, vault, { email, role });
      await setOperatorPassword(store.db, member.operatorId, PASSWORD, TEST_COST);
      return email;
    },
    async leasedSecret(id) {
      await services.secrets.create(owner, {
        kind: "leased",
        id,
        vault: "prod",
        project: "api",
        leased: {
          connection: { host: "db", database: "app", adminUser: "a", adminPassword: "p" },
          policy: { lifetimeSeconds: 600 },
        },
      });
    },
    async machine(vaultId, name, status = "enabled") {
      const id = newId("machine");
      await store.db.insert(schema.machines).values({
        id,
        vaultId,
        name,
        publicKeyPem: "-----BEGIN PUBLIC KEY-----\ntest\n-----END PUBLIC KEY-----",
        keyThumbprint: `thumb-${id}`,
        status,
      });
      return id;
    },
    close: () => store.close(),
  };
  return world;
}
