import { describe, expect, it } from "vitest";
import { connectionSchema, leasedConfigPatchSchema, leasedConfigSchema, policySchema } from "./leased.js";

const connection = { host: "db", database: "app", adminUser: "admin", adminPassword: "pw" };

describe("leased configuration", () => {
  it("fills defaults", () => {
    const c = leasedConfigSchema.parse({ connection, policy: { lifetimeSeconds: 300 } });
    expect(c.connection.port).toBe(5432);
    expect(c.connection.tlsMode).toBe("disable");
    expect(c.shape).toEqual({ passwordLength: 32, charset: "alphanumeric", grants: "" });
    expect(c.policy.revokeOnDisable).toBe(true);
  });

  it("refuses a lifetime under one minute", () => {
    const r = policySchema.safeParse({ lifetimeSeconds: 59 });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toMatch(/at least 60 seconds/);
  });

  it.each([
    [{ lifetimeSeconds: 300, renewWindowSeconds: 60 }, "renewWindowSeconds", /needs renew on read/],
    [{ lifetimeSeconds: 300, renewOnRead: true, renewWindowSeconds: 300 }, "renewWindowSeconds", /shorter/],
    [{ lifetimeSeconds: 300, hardMaxSeconds: 120 }, "hardMaxSeconds", /cannot be shorter/],
    [{ lifetimeSeconds: 300, mintFresh: true, renewOnRead: true }, "mintFresh", /cannot renew/],
  ])("refuses the invalid combination %j", (policy, path, message) => {
    const r = policySchema.safeParse(policy);
    expect(r.success).toBe(false);
    const issue = r.error?.issues.find((i) => i.path.join(".") === path);
    expect(issue?.message).toMatch(message);
  });

  it("verify-full needs a CA", () => {
    expect(connectionSchema.safeParse({ ...connection, tlsMode: "verify-full" }).success).toBe(false);
    expect(
      connectionSchema.safeParse({ ...connection, tlsMode: "verify-full", caPem: "-----BEGIN" }).success,
    ).toBe(true);
  });

  // Regression: a patch once filled defaults for omitted fields, so changing one policy field reset the others.
  it("patches carry only what was given, and null clears", () => {
    expect(leasedConfigPatchSchema.parse({ policy: { lifetimeSeconds: 600 } })).toEqual({
      policy: { lifetimeSeconds: 600 },
    });
    expect(leasedConfigPatchSchema.parse({ shape: { charset: "uuid" } })).toEqual({
      shape: { charset: "uuid" },
    });
    expect(
      leasedConfigPatchSchema.parse({ policy: { hardMaxSeconds: null } }).policy?.hardMaxSeconds,
    ).toBeNull();
  });
});
