import type { ApiToken } from "@sikkerkey/protocol";
import { and, desc, eq, isNull } from "drizzle-orm";
import type { Clock } from "../../clock.js";
import { SikkerKeyError } from "../../errors.js";
import { hashToken, newId, newSecretToken } from "../../ids.js";
import { type Db, schema } from "../../store/index.js";
import { type OperatorActor, auditActor } from "../actor.js";
import type { AuditLog } from "../audit/index.js";
import { INVITATION_TOKEN_NAME } from "./invitation.js";
import { toApiToken } from "./token-view.js";

/** `last_used_at` is a hint for people, not a counter: write it at most this often per token. */
const LAST_USED_GRANULARITY_MS = 60_000;

export interface AuthenticatedOperator {
  operatorId: string;
  tokenId: string;
}

export interface TokenService {
  list(actor: OperatorActor): Promise<ApiToken[]>;
  create(
    actor: OperatorActor,
    input: { name: string; expiresInSeconds?: number | undefined },
  ): Promise<ApiToken & { token: string }>;
  revoke(actor: OperatorActor, tokenId: string): Promise<ApiToken>;
  /**
   * Resolves a bearer token; every refusal is audited and answers the same UNAUTHENTICATED. An
   * invitation (invitation.ts) is refused unless `acceptInvitation`: it only ever signs its
   * operator in to the dashboard to set a password, which ends it.
   */
  authenticate(
    token: string,
    sourceIp: string | null,
    options?: { acceptInvitation?: boolean },
  ): Promise<AuthenticatedOperator>;
}

export function createTokenService(deps: { db: Db; audit: AuditLog; clock: Clock }): TokenService {
  const { db, audit, clock } = deps;
  const t = schema.apiTokens;

  async function refuse(reason: string, sourceIp: string | null, tokenId?: string): Promise<never> {
    await audit.record({
      action: "auth.failed",
      outcome: "denied",
      actor: { type: "anonymous", tokenId: tokenId ?? null },
      sourceIp,
      reason,
    });
    throw new SikkerKeyError("UNAUTHENTICATED", "the API token is not valid");
  }

  return {
    async list(actor) {
      const rows = await db
        .select()
        .from(t)
        .where(eq(t.operatorId, actor.operatorId))
        .orderBy(desc(t.createdAt));
      return rows.map(toApiToken);
    },

    async create(actor, input) {
      if (input.name === INVITATION_TOKEN_NAME) {
        const message = `"${INVITATION_TOKEN_NAME}" is reserved for the tokens vault invitations give`;
        throw new SikkerKeyError("VALIDATION_FAILED", message, [{ path: "name", message }]);
      }
      const now = clock.now();
      const token = newSecretToken("api");
      const expiresAt = input.expiresInSeconds
        ? new Date(now.getTime() + input.expiresInSeconds * 1000)
        : null;
      const row = await db.transaction(async (tx) => {
        const [created] = await tx
          .insert(t)
          .values({
            id: newId("apiToken"),
            operatorId: actor.operatorId,
            name: input.name,
            tokenHash: hashToken(token),
            createdAt: now,
            expiresAt,
          })
          .returning();
        await audit.record(
          {
            action: "token.create",
            ...auditActor(actor),
            detail: { tokenId: created!.id, name: input.name },
          },
          tx,
        );
        return created!;
      });
      return { ...toApiToken(row), token };
    },

    async revoke(actor, tokenId) {
      return db.transaction(async (tx) => {
        const [row] = await tx
          .update(t)
          .set({ revokedAt: clock.now() })
          .where(and(eq(t.id, tokenId), eq(t.operatorId, actor.operatorId), isNull(t.revokedAt)))
          .returning();
        if (!row) {
          const [existing] = await tx
            .select()
            .from(t)
            .where(and(eq(t.id, tokenId), eq(t.operatorId, actor.operatorId)));
          // Revoking twice is not an error: the token is revoked either way.
          if (existing) return toApiToken(existing);
          throw new SikkerKeyError("NOT_FOUND", `API token "${tokenId}" not found`);
        }
        await audit.record({ action: "token.revoke", ...auditActor(actor), detail: { tokenId } }, tx);
        return toApiToken(row);
      });
    },

    async authenticate(token, sourceIp, options = {}) {
      const [row] = await db
        .select()
        .from(t)
        .where(eq(t.tokenHash, hashToken(token)))
        .limit(1);
      if (!row) return refuse("unknown token", sourceIp);
      const now = clock.now();
      if (row.revokedAt) return refuse("revoked token", sourceIp, row.id);
      if (row.expiresAt && row.expiresAt <= now) return refuse("expired token", sourceIp, row.id);
      // On the API an invitation could mint its holder a lasting token as the new operator, one
      // that outlives the password they set and reaches every vault they are added to later.
      if (row.name === INVITATION_TOKEN_NAME && !options.acceptInvitation) {
        return refuse("invitation used outside the dashboard's sign-in", sourceIp, row.id);
      }
      if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > LAST_USED_GRANULARITY_MS) {
        await db.update(t).set({ lastUsedAt: now }).where(eq(t.id, row.id));
      }
      return { operatorId: row.operatorId, tokenId: row.id };
    },
  };
}
