import { eq } from "drizzle-orm";
import { SikkerKeyError } from "../../errors.js";
import { revokeInvitations } from "../../services/operators/invitation.js";
import { type Db, schema } from "../../store/index.js";
import { DEFAULT_COST, hashPassword, type ScryptCost } from "./password.js";

/** Long enough to resist guessing once the KDF slows each guess; no composition rules (NIST 800-63B). */
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 1024;

export function passwordProblem(password: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH)
    return `a password needs at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > MAX_PASSWORD_LENGTH)
    return `a password has at most ${MAX_PASSWORD_LENGTH} characters`;
  return undefined;
}

/**
 * Sets (or replaces) an operator's dashboard password and ends their existing sessions, so a
 * password changed because it leaked also locks out whoever used it; an invitation still unused
 * stops working too (its holder has a credential of their own now). The CLI can call this too.
 */
export async function setOperatorPassword(
  db: Db,
  operatorId: string,
  password: string,
  cost: ScryptCost = DEFAULT_COST,
): Promise<void> {
  const problem = passwordProblem(password);
  if (problem)
    throw new SikkerKeyError("VALIDATION_FAILED", problem, [{ path: "password", message: problem }]);
  const passwordHash = await hashPassword(password, cost);
  await db.transaction(async (tx) => {
    const updated = await tx
      .update(schema.operators)
      .set({ passwordHash })
      .where(eq(schema.operators.id, operatorId))
      .returning({ id: schema.operators.id });
    if (updated.length === 0) throw new SikkerKeyError("NOT_FOUND", `operator "${operatorId}" not found`);
    await tx.delete(schema.dashboardSessions).where(eq(schema.dashboardSessions.operatorId, operatorId));
    await revokeInvitations(tx, operatorId, new Date());
  });
}
