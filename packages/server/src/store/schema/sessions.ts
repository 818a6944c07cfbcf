import { index, integer, pgTable, text } from "drizzle-orm/pg-core";
import { at, createdAt } from "./columns.js";
import { operators } from "./operators.js";

/**
 * Dashboard sign-in sessions. Server-side so signing out (or an operator being removed) ends a
 * session on every replica at once. Only a SHA-256 hash of the cookie value is kept: a copy of
 * the store does not hand out live sessions.
 */
export const dashboardSessions = pgTable(
  "dashboard_sessions",
  {
    tokenHash: text("token_hash").primaryKey(),
    operatorId: text("operator_id")
      .notNull()
      .references(() => operators.id, { onDelete: "cascade" }),
    /** The synchronizer token every form of this session must send back (CSRF). */
    csrfToken: text("csrf_token").notNull(),
    sourceIp: text("source_ip"),
    createdAt: createdAt(),
    lastSeenAt: at("last_seen_at").notNull().defaultNow(),
    /** Absolute end; the idle limit is checked against last_seen_at. */
    expiresAt: at("expires_at").notNull(),
  },
  (t) => [
    index("dashboard_sessions_operator_idx").on(t.operatorId),
    index("dashboard_sessions_expires_idx").on(t.expiresAt),
  ],
);

/**
 * Failed sign-ins per key (`ip:<address>` or `email:<address>`), for backoff and lockout shared
 * by every replica. A row is reset by a successful sign-in and forgotten once its window passes.
 */
export const dashboardSignInAttempts = pgTable(
  "dashboard_sign_in_attempts",
  {
    key: text("key").primaryKey(),
    failures: integer("failures").notNull().default(0),
    lastFailureAt: at("last_failure_at").notNull(),
    lockedUntil: at("locked_until"),
  },
  (t) => [index("dashboard_sign_in_attempts_last_idx").on(t.lastFailureAt)],
);
