import { and, count, eq, inArray } from "drizzle-orm";
import { SikkerKeyError } from "../../errors.js";
import { type Db, schema } from "../../store/index.js";
import type { SecretRow } from "./secret-view.js";

/** Leases still holding (or about to hold) a login in the target database. */
export const LIVE_LEASE_STATES = ["minting", "active", "revoking"] as const;

export function secretNotFound(id: string): SikkerKeyError {
  return new SikkerKeyError("SECRET_NOT_FOUND", `secret "${id}" not found`);
}

/** A secret by id, in the trash or not; the caller decides what either means. */
export async function findSecret(db: Db, id: string, forUpdate = false): Promise<SecretRow | undefined> {
  const query = db.select().from(schema.secrets).where(eq(schema.secrets.id, id)).limit(1);
  const [row] = await (forUpdate ? query.for("update") : query);
  return row;
}

export async function countLiveLeases(db: Db, secretId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(schema.leases)
    .where(and(eq(schema.leases.secretId, secretId), inArray(schema.leases.state, [...LIVE_LEASE_STATES])));
  return row?.n ?? 0;
}

export async function findLeasedConfig(db: Db, secretId: string) {
  const [row] = await db
    .select()
    .from(schema.leasedConfigs)
    .where(eq(schema.leasedConfigs.secretId, secretId))
    .limit(1);
  return row;
}
