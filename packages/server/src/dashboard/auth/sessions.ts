import { randomBytes } from "node:crypto";
import { eq, lt, or } from "drizzle-orm";
import type { Clock } from "../../clock.js";
import { hashToken } from "../../ids.js";
import { type Db, schema } from "../../store/index.js";

export interface SessionLimits {
  /** A session ends this long after sign-in, however busy. */
  absoluteSeconds: number;
  /** …or after this long without a request. */
  idleSeconds: number;
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = { absoluteSeconds: 12 * 3600, idleSeconds: 3600 };

export interface Session {
  tokenHash: string;
  operatorId: string;
  email: string;
  csrfToken: string;
}

export interface SessionStore {
  /** The token goes into the cookie; only its hash is stored. */
  create(operatorId: string, sourceIp: string | null): Promise<{ token: string; csrfToken: string }>;
  find(token: string): Promise<Session | undefined>;
  end(token: string): Promise<void>;
}

/** `last_seen_at` moves at most this often, so browsing does not write on every request. */
const TOUCH_GRANULARITY_MS = 60_000;

const newToken = () => randomBytes(32).toString("base64url");

export function createSessionStore(db: Db, clock: Clock, limits: SessionLimits): SessionStore {
  const s = schema.dashboardSessions;
  return {
    async create(operatorId, sourceIp) {
      const now = clock.now();
      const token = newToken();
      const csrfToken = newToken();
      // Sweeping on sign-in keeps the table small without a job of its own.
      const idleCutoff = new Date(now.getTime() - limits.idleSeconds * 1000);
      await db.delete(s).where(or(lt(s.expiresAt, now), lt(s.lastSeenAt, idleCutoff)));
      await db.insert(s).values({
        tokenHash: hashToken(token),
        operatorId,
        csrfToken,
        sourceIp,
        createdAt: now,
        lastSeenAt: now,
        expiresAt: new Date(now.getTime() + limits.absoluteSeconds * 1000),
      });
      return { token, csrfToken };
    },

    async find(token) {
      const tokenHash = hashToken(token);
      const [row] = await db
        .select({ session: s, email: schema.operators.email })
        .from(s)
        .innerJoin(schema.operators, eq(schema.operators.id, s.operatorId))
        .where(eq(s.tokenHash, tokenHash))
        .limit(1);
      if (!row) return undefined;
      const now = clock.now().getTime();
      const { session } = row;
      const idleSince = now - session.lastSeenAt.getTime();
      if (session.expiresAt.getTime() <= now || idleSince >= limits.idleSeconds * 1000) {
        await db.delete(s).where(eq(s.tokenHash, tokenHash));
        return undefined;
      }
      if (idleSince > TOUCH_GRANULARITY_MS) {
        await db
          .update(s)
          .set({ lastSeenAt: new Date(now) })
          .where(eq(s.tokenHash, tokenHash));
      }
      return { tokenHash, operatorId: session.operatorId, email: row.email, csrfToken: session.csrfToken };
    },

    async end(token) {
      await db.delete(s).where(eq(s.tokenHash, hashToken(token)));
    },
  };
}
