import type { Member, MemberAdded, Role } from "@sikkerkey/protocol";
import { asc, eq } from "drizzle-orm";
import type { Clock } from "../../clock.js";
import { SikkerKeyError } from "../../errors.js";
import { newId } from "../../ids.js";
import { type Db, schema } from "../../store/index.js";
import { type OperatorActor, auditActor } from "../actor.js";
import type { AuditLog } from "../audit/index.js";
import { isUnclaimed, issueInvitation, revokeInvitations } from "../operators/invitation.js";
import { requireVault } from "./access.js";

export interface MemberService {
  list(actor: OperatorActor, vault: string): Promise<Member[]>;
  /**
   * Owner or admin; only an owner may make someone an owner. Unknown emails become operators,
   * with an invitation (their first credential, see invitation.ts).
   */
  add(actor: OperatorActor, vault: string, input: { email: string; role: Role }): Promise<MemberAdded>;
}

export function createMemberService(deps: { db: Db; audit: AuditLog; clock: Clock }): MemberService {
  const { db, audit, clock } = deps;
  const m = schema.vaultMembers;
  const o = schema.operators;
  return {
    async list(actor, vaultRef) {
      const { vault } = await requireVault(db, actor.operatorId, vaultRef, "member");
      return db
        .select({ operatorId: m.operatorId, email: o.email, role: m.role })
        .from(m)
        .innerJoin(o, eq(o.id, m.operatorId))
        .where(eq(m.vaultId, vault.id))
        .orderBy(asc(o.email));
    },

    async add(actor, vaultRef, input) {
      const { vault } = await requireVault(
        db,
        actor.operatorId,
        vaultRef,
        input.role === "owner" ? "owner" : "admin",
      );
      const email = input.email.trim().toLowerCase();
      const now = clock.now();
      return db.transaction(async (tx) => {
        const [created] = await tx
          .insert(o)
          .values({ id: newId("operator"), email, createdAt: now })
          .onConflictDoNothing()
          .returning({ id: o.id });
        const [operator] = await tx.select().from(o).where(eq(o.email, email));
        const [added] = await tx
          .insert(m)
          .values({ vaultId: vault.id, operatorId: operator!.id, role: input.role, createdAt: now })
          .onConflictDoNothing()
          .returning();
        if (!added)
          throw new SikkerKeyError("ALREADY_EXISTS", `${email} is already a member of vault "${vault.name}"`);
        // Only for an operator who has no credential of their own yet: one who has would be handed
        // over, with their other vaults. An unclaimed operator's earlier invitations end here, or
        // whoever holds one would come into this vault too.
        const unclaimed = created !== undefined || (await isUnclaimed(tx, operator!.id));
        if (unclaimed && !created) await revokeInvitations(tx, operator!.id, now);
        const invitation = unclaimed ? await issueInvitation(tx, operator!.id, now) : undefined;
        await audit.record(
          {
            action: "member.add",
            ...auditActor(actor),
            vaultId: vault.id,
            detail: {
              operatorId: operator!.id,
              email,
              role: input.role,
              invitation: invitation
                ? { tokenId: invitation.tokenId, expiresAt: invitation.expiresAt.toISOString() }
                : null,
            },
          },
          tx,
        );
        const member: Member = { operatorId: operator!.id, email, role: input.role };
        return invitation
          ? {
              ...member,
              invitation: { token: invitation.token, expiresAt: invitation.expiresAt.toISOString() },
            }
          : member;
      });
    },
  };
}
