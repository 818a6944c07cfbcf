import { and, eq, isNull } from "drizzle-orm";
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
 * A first credential for an operator who has none (just added to a vault by email): an API token
 * that expires after INVITATION_SECONDS, shown once to whoever added them, to hand over. With it
 * the new operator signs in to the dashboard (`/login/token`) and sets a password, which revokes
 * it (revokeInvitations), so the one who handed it over does not keep a way in as them. Written
 * in the caller's transaction, with the operator it is for.
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
