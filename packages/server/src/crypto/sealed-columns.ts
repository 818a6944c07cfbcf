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
  },
];
