import type { Policy } from "@sikkerkey/protocol";
import type { LeaseRow } from "./queries.js";

/**
 * The latest a lease may last: the ceiling fixed when it was minted, or the policy's present one
 * counted from the mint if that is earlier, so a hard maximum added or shortened later binds the
 * logins already live. A ceiling raised or removed later applies to new logins only: a login is
 * never promised more than it was minted with. Plain arithmetic: it runs on every read.
 */
export function ceilingOf(
  policy: Pick<Policy, "hardMaxSeconds">,
  lease: Pick<LeaseRow, "createdAt" | "hardMaxAt">,
): Date | null {
  const fixed = lease.hardMaxAt;
  if (!policy.hardMaxSeconds) return fixed;
  const present = lease.createdAt.getTime() + policy.hardMaxSeconds * 1000;
  return fixed && fixed.getTime() <= present ? fixed : new Date(present);
}
