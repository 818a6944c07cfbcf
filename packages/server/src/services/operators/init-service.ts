import type { InitResult } from "@sikkerkey/protocol";
import type { Clock } from "../../clock.js";
import { SikkerKeyError } from "../../errors.js";
import { hashToken, newId, newSecretToken } from "../../ids.js";
import { type Db, schema } from "../../store/index.js";
import type { AuditLog } from "../audit/index.js";
import { INIT_KEY, type InitRecord, readInit } from "./installation.js";

export interface InitService {
  /** Creates the first operator and an API token, once per store. The token is returned only here. */
  initOwner(email: string): Promise<InitResult>;
  isInitialized(): Promise<boolean>;
}

export function createInitService(deps: { db: Db; audit: AuditLog; clock: Clock }): InitService {
  const { db, audit, clock } = deps;
  return {
    async isInitialized() {
      return (await readInit(db)) !== undefined;
    },
    async initOwner(rawEmail) {
      const email = rawEmail.trim().toLowerCase();
      const operatorId = newId("operator");
      const tokenId = newId("apiToken");
      const token = newSecretToken("api");
      const now = clock.now();
      await db.transaction(async (tx) => {
        // The meta row is the lock: of two concurrent inits, exactly one inserts it.
        const record: InitRecord = { operatorId, at: now.toISOString() };
        const claimed = await tx
          .insert(schema.meta)
          .values({ key: INIT_KEY, value: record })
          .onConflictDoNothing()
          .returning({ key: schema.meta.key });
        if (claimed.length === 0) {
          throw new SikkerKeyError("ALREADY_INITIALIZED", "this store is already initialized");
        }
        await tx.insert(schema.operators).values({ id: operatorId, email, createdAt: now });
        await tx.insert(schema.apiTokens).values({
          id: tokenId,
          operatorId,
          name: "init",
          tokenHash: hashToken(token),
          createdAt: now,
        });
        await audit.record(
          { action: "operator.init", actor: { type: "system" }, detail: { operatorId, email, tokenId } },
          tx,
        );
      });
      return { operatorId, email, tokenId, token };
    },
  };
}
