import { eq, isNotNull, type SQL } from "drizzle-orm";
import type { AnyPgColumn, PgTable } from "drizzle-orm/pg-core";
import { schema } from "../store/index.js";
import { aadFor } from "./keyring.js";

/**
 * Every column of the store that holds a sealed value, with the associated data it was sealed
 * under. A re-seal must use exactly the AAD the services use, or the value stops opening; the
 * test beside this file checks the list against the schema (every `sealed_*` column) and
 * re-seals values written by the real services.
 */
export interface SealedColumn {
  table: PgTable;
  tableName: string;
  columnName: string;
  /** The row's primary key. */
  id: AnyPgColumn;
  sealed: AnyPgColumn;
  /** The sealed column's property name in the drizzle table (what `.set()` takes). */
  sealedKey: string;
  /** Other columns the AAD needs (the secret's version). */
  extra: Record<string, AnyPgColumn>;
  aad(row: { id: string; extra: Record<string, unknown> }): string;
  /**
   * Where start-up finds this column's newest value with one cheap query (store-keys.ts): the
   * rows `where` keeps, the last by `orderBy`. Only its key id is read, never the value.
   */
  newest: { where?: SQL; orderBy: AnyPgColumn };
}

export const SEALED_COLUMNS: SealedColumn[] = [
  {
    table: schema.secrets,
    tableName: "secrets",
    columnName: "sealed_fields",
    id: schema.secrets.id,
    sealed: schema.secrets.sealedFields,
    sealedKey: "sealedFields",
    extra: { version: schema.secrets.version },
    aad: (r) => aadFor("secrets", "sealed_fields", r.id, r.extra["version"] as number),
    // Secrets are made by operators, so the table stays small; a secret without fields has none.
    newest: { where: isNotNull(schema.secrets.sealedFields), orderBy: schema.secrets.updatedAt },
  },
  {
    table: schema.leasedConfigs,
    tableName: "leased_configs",
    columnName: "sealed_admin_password",
    id: schema.leasedConfigs.secretId,
    sealed: schema.leasedConfigs.sealedAdminPassword,
    sealedKey: "sealedAdminPassword",
    extra: {},
    aad: (r) => aadFor("leased_configs", "sealed_admin_password", r.id),
    // One row per leased secret, every one sealed.
    newest: { orderBy: schema.leasedConfigs.updatedAt },
  },
  {
    table: schema.leases,
    tableName: "leases",
    columnName: "sealed_password",
    id: schema.leases.id,
    sealed: schema.leases.sealedPassword,
    sealedKey: "sealedPassword",
    extra: {},
    aad: (r) => aadFor("leases", "sealed_password", r.id),
    // The table that grows (100,000 rows and more, most of them revoked, whose password is
    // gone): the active lease expiring last, straight from leases_state_expiry_idx. No
    // `is not null` here: an active lease always holds its password, and that filter would walk
    // the index over every row of a store whose leases hold none (the bench seeds such rows).
    newest: { where: eq(schema.leases.state, "active"), orderBy: schema.leases.expiresAt },
  },
];
