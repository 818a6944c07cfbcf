import { boolean, integer, pgTable, text } from "drizzle-orm/pg-core";
import { at } from "./columns.js";
import { secrets } from "./secrets.js";

/** The three wizard steps of a leased secret: connection, credential shape, lease policy. */
export const leasedConfigs = pgTable("leased_configs", {
  secretId: text("secret_id")
    .primaryKey()
    .references(() => secrets.id),
  provider: text("provider", { enum: ["postgresql"] }).notNull(),
  host: text("host").notNull(),
  port: integer("port").notNull(),
  database: text("database").notNull(),
  adminUser: text("admin_user").notNull(),
  sealedAdminPassword: text("sealed_admin_password").notNull(),
  tlsMode: text("tls_mode", { enum: ["disable", "require", "verify-full"] }).notNull(),
  caPem: text("ca_pem"),
  passwordLength: integer("password_length").notNull(),
  charset: text("charset", { enum: ["symbols", "alphanumeric", "numbers", "uuid"] }).notNull(),
  grants: text("grants").notNull().default(""),
  lifetimeSeconds: integer("lifetime_seconds").notNull(),
  renewOnRead: boolean("renew_on_read").notNull(),
  renewWindowSeconds: integer("renew_window_seconds"),
  hardMaxSeconds: integer("hard_max_seconds"),
  nativeExpiry: boolean("native_expiry").notNull(),
  revokeOnDisable: boolean("revoke_on_disable").notNull(),
  mintFresh: boolean("mint_fresh").notNull(),
  maxLogins: integer("max_logins"),
  updatedAt: at("updated_at").notNull().defaultNow(),
});
