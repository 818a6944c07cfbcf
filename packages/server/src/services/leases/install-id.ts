import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { type Db, schema } from "../../store/index.js";

const KEY = "install_id";

/**
 * This store's stable id, created on first use. Every minted role carries it, so the
 * reconciler drops only logins this installation made, even when several SikkerKey installs
 * (or a restored copy) mint into the same database. Replicas sharing a store share the id.
 */
export async function getInstallId(db: Db): Promise<string> {
  await db
    .insert(schema.meta)
    .values({ key: KEY, value: `ski_${randomUUID().replaceAll("-", "")}` })
    .onConflictDoNothing();
  const [row] = await db.select().from(schema.meta).where(eq(schema.meta.key, KEY));
  if (typeof row?.value !== "string") throw new Error("install id missing from the store's meta table");
  return row.value;
}
