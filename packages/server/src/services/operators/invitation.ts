import { and, eq, isNull, ne } from "drizzle-orm";
import { hashToken, newId, newSecretToken } from "../../ids.js";
import { type Db, schema } from "../../store/index.js";

/**
 * The name of the API token an invitation is. Reserved: an operator cannot give a token of their
 * own this name, since setting a dashboard password revokes every token so named.
 */
export const INVITATION_TOKEN_NAME = "invitation";

/** How long an invitation can wait to be used. */
export const INVITATION_SECONDS = 72 * 3600;

/**
 * A first credential for an operator who has none (just added to a vault by email): a token that
 * expires after INVITATION_SECONDS, shown once to whoever added them, to hand over. It does one
 * thing: sign the new operator in to the dashboard (`/login/token`) to set a password, which
 * revokes it (revokeInvitations). The API refuses it (token-service.ts), so whoever handed it over
 * cannot make a lasting token as them with it. Written in the caller's transaction.
 */
export async function issueInvitation(
  tx: Db,
  operatorId: string,
  now: Date,
): Promise<{ tokenId: string; token: string; expiresAt: Date }> {
  const token = newSecretToken("api");
  const tokenId = newId("apiToken");
  const expiresAt = new Date(now.getTime() + INVITATION_SECONDS * 1000);
  await tx.insert(schema.apiTokens).values({
    id: tokenId,
    operatorId,
    name: INVITATION_TOKEN_NAME,
    tokenHash: hashToken(token),
    createdAt: now,
    expiresAt,
  });
  return { tokenId, token, expiresAt };
}

/** Revokes the operator's unused invitations: they have a credential of their own now. */
export async function revokeInvitations(tx: Db, operatorId: string, now: Date): Promise<void> {
  const t = schema.apiTokens;
  await tx
    .update(t)
    .set({ revokedAt: now })
    .where(and(eq(t.operatorId, operatorId), eq(t.name, INVITATION_TOKEN_NAME), isNull(t.revokedAt)));
}

/**
 * Whether the operator has not signed in anywhere yet: no dashboard password and no token but
 * invitations. Adding such an operator to a vault issues a new invitation and ends the earlier
 * ones, which would otherwise let whoever holds them into this vault as well.
 */
export async function isUnclaimed(tx: Db, operatorId: string): Promise<boolean> {
  const [operator] = await tx
    .select({ passwordHash: schema.operators.passwordHash })
    .from(schema.operators)
    .where(eq(schema.operators.id, operatorId));
  if (!operator || operator.passwordHash !== null) return false;
  const t = schema.apiTokens;
  const [own] = await tx
    .select({ id: t.id })
    .from(t)
    .where(and(eq(t.operatorId, operatorId), ne(t.name, INVITATION_TOKEN_NAME)))
    .limit(1);
  return own === undefined;
}
