import type { SecretReadResponse } from "@sikkerkey/protocol";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../clock.js";
import type { Sealer } from "../../crypto/index.js";
import type { Db } from "../../store/index.js";
import type { AuditLog } from "../audit/index.js";
import type { ReadCache } from "../hot-read/read-cache.js";
import type { MachineRow } from "../machines/machine-view.js";
import type { SecretRow } from "../secrets/secret-view.js";
import { createReadService } from "./read-service.js";

const machine = {
  id: "mach_1",
  vaultId: "vault_1",
  status: "enabled",
  lastSeenAt: null,
} as unknown as MachineRow;
const secret = { id: "sk_db", vaultId: "vault_1", kind: "leased" } as unknown as SecretRow;
const answer: SecretReadResponse = {
  id: "sk_db",
  kind: "leased",
  fields: { host: "h", port: 5432, database: "d", username: "u", password: "p" },
  lease: { id: "lease_1", expiresAt: new Date(0).toISOString(), renewable: true },
};

/** A store whose only use here, the last-seen stamp's update, settles as `stamp` does. */
const storeWhoseStamp = (stamp: () => Promise<unknown>) =>
  ({ update: () => ({ set: () => ({ where: stamp }) }) }) as unknown as Db;

const serviceOn = (db: Db, read: () => Promise<SecretReadResponse>) =>
  createReadService({
    db,
    sealer: {} as Sealer,
    audit: {} as AuditLog,
    clock: new ManualClock(Date.UTC(2026, 0, 1)),
    // The secret is readable (from memory), so the stamp and the lease engine are all that run.
    cache: {
      readable: () => secret,
      ticket: () => 0,
      putReadable: () => {},
      seen: () => {},
    } as unknown as ReadCache,
    leasedReader: { read },
  });

describe("read service: the last-seen stamp written beside the read", () => {
  // The stamp's write fails (the store went away) while the lease engine is still working on
  // the read: the read fails with that error, and the failure is never an unhandled rejection,
  // which would end the server's process (vitest fails the run on one).
  it("fails the read with the stamp's error, and only once the read is done", async () => {
    let readDone = false;
    const db = storeWhoseStamp(
      () => new Promise((_, reject) => setTimeout(() => reject(new Error("store gone")), 5)),
    );
    const service = serviceOn(db, async () => {
      await new Promise((r) => setTimeout(r, 60));
      readDone = true;
      return answer;
    });
    await expect(service.read(machine, "sk_db", { sourceIp: null })).rejects.toThrow("store gone");
    expect(readDone).toBe(true);
  });

  it("answers the read once the stamp is written", async () => {
    const written: string[] = [];
    const db = storeWhoseStamp(
      () => new Promise<void>((r) => setTimeout(() => r(void written.push("stamp")), 5)),
    );
    const service = serviceOn(db, async () => answer);
    await expect(service.read(machine, "sk_db", { sourceIp: null })).resolves.toEqual(answer);
    expect(written).toEqual(["stamp"]);
  });
});
