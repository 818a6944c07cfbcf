import { eq } from "drizzle-orm";
import { schema } from "../../store/index.js";
import type { DashboardContext } from "../deps.js";
import { verifyAgainstNothing, verifyPassword } from "./password.js";

export type SignInResult = { ok: true; operatorId: string } | { ok: false; lockedFor: number };

type Ctx = Pick<DashboardContext, "db" | "services" | "throttle" | "passwordCost">;

/** Every refusal is audited as `auth.failed`, like a bad API token. Never with the password. */
export async function auditRefusal(
  ctx: Pick<DashboardContext, "services">,
  reason: string,
  sourceIp: string | null,
  operatorId?: string,
): Promise<void> {
  await ctx.services.audit.record({
    action: "auth.failed",
    outcome: "denied",
    actor: { type: "anonymous", id: null },
    sourceIp,
    reason,
    detail: { via: "dashboard", ...(operatorId ? { operatorId } : {}) },
  });
}

/**
 * Email + password, with backoff per email and per source address. A locked key is refused
 * before any hashing, so a flood of guesses costs the server almost nothing; an unknown email
 * costs as much as a known one, so timing does not reveal who is an operator.
 */
export async function signIn(
  ctx: Ctx,
  rawEmail: string,
  password: string,
  sourceIp: string | null,
): Promise<SignInResult> {
  const email = rawEmail.trim().toLowerCase();
  const keys = { email, ip: sourceIp };
  const locked = await ctx.throttle.lockedFor(keys);
  if (locked > 0) {
    await auditRefusal(ctx, "dashboard sign-in refused: locked out after repeated failures", sourceIp);
    return { ok: false, lockedFor: locked };
  }
  const [operator] = await ctx.db
    .select({ id: schema.operators.id, passwordHash: schema.operators.passwordHash })
    .from(schema.operators)
    .where(eq(schema.operators.email, email))
    .limit(1);
  const valid = operator?.passwordHash
    ? await verifyPassword(password, operator.passwordHash)
    : await verifyAgainstNothing(password, ctx.passwordCost);
  if (valid && operator) {
    await ctx.throttle.recordSuccess(keys);
    await ctx.services.audit.record({
      action: "auth.signin",
      actor: { type: "operator", id: operator.id },
      sourceIp,
      detail: { via: "dashboard" },
    });
    return { ok: true, operatorId: operator.id };
  }
  await ctx.throttle.recordFailure(keys);
  const why = !operator
    ? "unknown email"
    : operator.passwordHash
      ? "wrong password"
      : "no dashboard password set";
  await auditRefusal(ctx, `dashboard sign-in refused: ${why}`, sourceIp, operator?.id);
  return { ok: false, lockedFor: await ctx.throttle.lockedFor(keys) };
}
