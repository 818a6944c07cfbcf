import type { Vault } from "@sikkerkey/protocol";
import type { Context } from "hono";
import type { DashboardContext } from "../deps.js";
import type { DashEnv } from "../env.js";
import type { VaultNav } from "../views/layout.js";

export type Ctx = Context<DashEnv>;

/** What the layout needs to show who is signed in and to post the sign-out form. */
export function user(c: Ctx): { email: string; csrf: string } {
  const session = c.get("session");
  return { email: session.email, csrf: session.csrfToken };
}

export interface VaultPage {
  vault: Vault;
  nav: VaultNav;
  /** URL-safe base for this vault's pages. */
  base: string;
  isAdmin: boolean;
  isOwner: boolean;
}

/** The vault in the URL, as the signed-in operator may see it (else the service's NOT_FOUND). */
export async function vaultPage(
  c: Ctx,
  ctx: DashboardContext,
  active: VaultNav["active"],
): Promise<VaultPage> {
  const vault = await ctx.services.vaults.get(c.get("actor"), c.req.param("vault") ?? "");
  const role = vault.role ?? "member";
  return {
    vault,
    nav: { name: vault.name, role, active },
    base: `/vaults/${encodeURIComponent(vault.name)}`,
    isAdmin: role === "admin" || role === "owner",
    isOwner: role === "owner",
  };
}

/**
 * After a POST the browser is sent back with a notice key; the text comes from this table, so a
 * crafted link can only pick one of these sentences (and a number).
 */
const NOTICES: Record<string, (n: number) => string> = {
  "vault-created": () => "Vault created.",
  "project-created": () => "Project created.",
  "secret-created": () => "Secret created.",
  "secret-updated": () => "Configuration saved.",
  trashed: (n) => `Moved to the trash. ${n} database login${n === 1 ? "" : "s"} removed.`,
  restored: () => "Restored from the trash.",
  purged: () => "Deleted for good.",
  revoked: () => "Lease revoked: the login is gone from the database.",
  "revoke-pending": () =>
    "The database could not be reached: the lease stays revoking and the server keeps retrying. If the database is gone for good, abandon the lease.",
  "revoked-all": (n) => `${n} login${n === 1 ? "" : "s"} revoked. Machines get new ones at their next read.`,
  "revoked-all-pending": (n) =>
    `${n} login${n === 1 ? "" : "s"} could not be revoked yet: the database could not be reached and the server keeps retrying. If the database is gone for good, abandon them below.`,
  abandoned: () =>
    "Lease abandoned: the server has stopped trying to revoke it. The login may still exist in the database; drop it there by hand (the audit log's lease.abandon event names it).",
  approved: () => "Machine approved.",
  disabled: (n) => `Machine disabled. ${n} login${n === 1 ? "" : "s"} revoked.`,
  enabled: () => "Machine enabled.",
  granted: () => "Access granted.",
  ungranted: (n) => `Access removed. ${n} login${n === 1 ? "" : "s"} revoked.`,
  "token-revoked": () => "Enrollment token revoked.",
};

export function notice(c: Ctx): string | undefined {
  const key = c.req.query("notice");
  const n = Number(c.req.query("n") ?? "0");
  // Own keys only: `?notice=__proto__` or `toString` must not reach Object.prototype.
  const make = key && Object.hasOwn(NOTICES, key) ? NOTICES[key] : undefined;
  return make ? make(Number.isSafeInteger(n) ? n : 0) : undefined;
}

export function back(c: Ctx, path: string, key: keyof typeof NOTICES & string, n?: number): Response {
  const sep = path.includes("?") ? "&" : "?";
  return c.redirect(`${path}${sep}notice=${key}${n !== undefined ? `&n=${n}` : ""}`, 303);
}

export const enc = encodeURIComponent;
