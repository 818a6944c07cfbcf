import { randomBytes } from "node:crypto";
import { SECRET } from "../setup/objects.js";

/**
 * Names of seeded leases, shared by the store rows and the target roles so the two agree the way
 * the engine makes them agree. `kind` tells the sets apart in a look at pg_roles: `r` leases the
 * reaper will revoke, `l` live leases that only fill the store, `f` the floor's own roles.
 */
export interface SeedSet {
  kind: "r" | "l" | "f";
  /** Eight random lowercase characters, so sets of the same kind in one run do not collide. */
  tag: string;
  from: number;
  count: number;
}

export function newSeedSet(kind: SeedSet["kind"], count: number, from = 0): SeedSet {
  const tag = Array.from(randomBytes(8), (b) => "abcdefghijklmnopqrstuvwxyz"[b % 26]).join("");
  return { kind, tag, from, count };
}

/** As the provider's `loginName`: `sk_<secret>__<machine>__<suffix>`, well under 63 bytes. */
export const seedLogin = (s: SeedSet, i: number) => `${SECRET}__${s.kind}${i}__${s.tag}`;
export const seedLeaseId = (s: SeedSet, i: number) => `lease_${s.kind}${s.tag}${i}`;
export const seedMachineId = (s: SeedSet, i: number) => `mach_${s.kind}${s.tag}${i}`;

export function* indices(s: SeedSet): Generator<number> {
  for (let i = s.from; i < s.from + s.count; i++) yield i;
}
