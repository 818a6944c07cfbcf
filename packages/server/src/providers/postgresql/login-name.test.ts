import { describe, expect, it } from "vitest";
import { isLoginName, loginName } from "./login-name.js";

describe("loginName", () => {
  it("names secret and machine, then a random suffix", () => {
    expect(loginName("sk_db_prod", "m1")).toMatch(/^sk_db_prod__m1__[a-z0-9]{8}$/);
  });

  it("is unique per call", () => {
    const names = new Set(Array.from({ length: 2000 }, () => loginName("sk_db_prod", "m1")));
    expect(names.size).toBe(2000);
  });

  it("keeps to lowercase [a-z0-9_], whatever the machine is called", () => {
    expect(loginName("sk_DB-Prod", "Café Server #1 (eu-west)")).toMatch(
      /^sk_db_prod__cafe_server_1_eu_west__[a-z0-9]{8}$/,
    );
    expect(loginName("sk_x", "Ωμέγα 🚀")).toMatch(/^sk_x__machine__[a-z0-9]{8}$/);
    expect(loginName("", "")).toMatch(/^sk_secret__machine__[a-z0-9]{8}$/);
  });

  it("fits 63 bytes, sharing the room between a long secret and a long machine", () => {
    const long = "a".repeat(200);
    for (const [secret, machine] of [
      [long, long],
      ["sk_db", long],
      [long, "m1"],
      [`sk_${"b".repeat(30)}`, `${"c".repeat(30)}`],
    ] as const) {
      const name = loginName(secret, machine);
      expect(Buffer.byteLength(name)).toBeLessThanOrEqual(63);
      expect(isLoginName(name)).toBe(true);
    }
    expect(loginName("sk_db", "m".repeat(100))).toMatch(/^sk_db__m{46}__[a-z0-9]{8}$/);
    expect(loginName("sk_" + "s".repeat(100), "m1")).toMatch(/^sk_s{46}__m1__[a-z0-9]{8}$/);
    expect(loginName("s".repeat(100), "m".repeat(100))).toMatch(/^sk_s{24}__m{24}__[a-z0-9]{8}$/);
  });

  it("does not end a truncated part on an underscore (no ___ runs)", () => {
    const name = loginName(`${"a".repeat(21)}_b`, `${"c".repeat(21)}_d_e`.repeat(3));
    expect(name).not.toMatch(/___/);
  });
});
