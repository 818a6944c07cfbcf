import type { AuditAction, AuditEvent, InitResult } from "@sikkerkey/protocol";
import { desc, eq } from "drizzle-orm";
import { createServer, type ServerOverrides, type SikkerKeyServer } from "../app.js";
import { ManualClock } from "../clock.js";
import { parseConfig } from "../config.js";
import { createTestKeyring } from "../crypto/index.js";
import { silentLogger } from "../log/index.js";
import { toAuditEvent } from "../services/audit/event.js";
import { openStore, type Store, schema } from "../store/index.js";

export interface Harness {
  server: SikkerKeyServer;
  store: Store;
  clock: ManualClock;
  owner: InitResult;
  /** An operator request; `token: null` sends none. */
  admin(
    method: string,
    path: string,
    body?: unknown,
    options?: { token?: string | null; headers?: Record<string, string> },
  ): Promise<Response>;
  /** Audit events with this action, newest first (straight from the store). */
  events(action: AuditAction): Promise<AuditEvent[]>;
  close(): Promise<void>;
}

/** A whole server in-process on a fresh store, initialized with an owner whose token it holds. */
export async function createHarness(
  options: { store?: Store; overrides?: Omit<ServerOverrides, "store" | "clock"> } = {},
): Promise<Harness> {
  const store = options.store ?? (await openStore({ memory: true }));
  const clock = new ManualClock(Date.UTC(2026, 0, 15, 12));
  const server = await createServer(parseConfig({ env: {} }), {
    store,
    clock,
    keyring: createTestKeyring(),
    logger: silentLogger,
    ...options.overrides,
  });
  const owner = await server.services.init.initOwner("owner@example.com");
  return {
    server,
    store,
    clock,
    owner,
    async admin(method, path, body, opts = {}) {
      const token = opts.token === undefined ? owner.token : opts.token;
      const headers: Record<string, string> = { ...opts.headers };
      if (token !== null) headers["authorization"] = `Bearer ${token}`;
      if (body !== undefined) headers["content-type"] ??= "application/json";
      return server.app.request(path, {
        method,
        headers,
        ...(body !== undefined ? { body: typeof body === "string" ? body : JSON.stringify(body) } : {}),
      });
    },
    async events(action) {
      const rows = await store.db
        .select()
        .from(schema.auditEvents)
        .where(eq(schema.auditEvents.action, action))
        .orderBy(desc(schema.auditEvents.seq));
      return rows.map(toAuditEvent);
    },
    close: () => server.stop(),
  };
}

/** Reads a JSON body, failing the test with the body text when the status is not the expected one. */
export async function expectJson<T = Record<string, unknown>>(res: Response, status: number): Promise<T> {
  const text = await res.text();
  if (res.status !== status) throw new Error(`expected HTTP ${status}, got ${res.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}
