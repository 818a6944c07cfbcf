import { signRequest } from "@sikkerkey/signing";
import { describe, expect, it, vi } from "vitest";
import { ManualClock } from "../../clock.js";
import { SikkerKeyError } from "../../errors.js";
import { newId } from "../../ids.js";
import type { Db } from "../../store/index.js";
import { newIdentity } from "../../test-support/machine-client.js";
import type { AuditLog } from "../audit/index.js";
import type { ReadCache } from "../hot-read/read-cache.js";
import { MachineKeyCache } from "../machines/key-cache.js";
import type { MachineRow } from "../machines/machine-view.js";
import { createMachineAuthenticator } from "./machine-auth.js";

const clock = new ManualClock(Date.UTC(2026, 0, 15, 12));
const CTX = { sourceIp: null, path: "/v1/secrets/sk_a" };

/**
 * An authenticator over one enrolled machine, held in the read cache (so the store is never
 * asked), a nonce store that answers `fresh` in turn and logs what happens, and an audit that
 * keeps the refusals.
 */
async function setUp(fresh: boolean[] = [true]) {
  const identity = await newIdentity();
  const machine = {
    id: newId("machine"),
    vaultId: newId("vault"),
    name: "web-1",
    status: "enabled",
    publicKeyPem: identity.publicKeyPem,
    keyThumbprint: identity.thumbprint,
  } as MachineRow;
  const log: string[] = [];
  const refusals: string[] = [];
  const keys = new MachineKeyCache();
  const auth = createMachineAuthenticator({
    db: {} as Db,
    audit: {
      record: async (e: { reason?: string }) => void refusals.push(e.reason ?? ""),
    } as unknown as AuditLog,
    clock,
    keys,
    nonces: {
      remember: async () => {
        log.push("nonce");
        return fresh.shift() ?? false;
      },
    },
    cache: { machine: (id: string) => (id === machine.id ? machine : undefined) } as unknown as ReadCache,
    skewSeconds: 60,
  });
  const request = async (tamper = false) => {
    const url = "http://localhost/v1/secrets/sk_a";
    const headers = await signRequest(
      { method: "GET", url, headers: {}, body: null },
      {
        keyId: machine.id,
        key: identity.key,
        created: Math.floor(clock.now().getTime() / 1000),
        nonce: "n".repeat(22),
      },
    );
    if (tamper)
      headers.signature = headers.signature!.replace(/:(.)/, (_m, c: string) => `:${c === "A" ? "B" : "A"}`);
    return { method: "GET", url, headers: new Headers(headers) };
  };
  const verified = (m: MachineRow) => void log.push(`verified ${m.id}`);
  return { machine, log, refusals, auth, request, verified, keys };
}

describe("machine authentication: work started beside the nonce", () => {
  it("tells `verified` the machine once its signature is proven, after its nonce went to the store", async () => {
    const s = await setUp();
    const machine = await s.auth.authenticate(await s.request(), CTX, { verified: s.verified });
    expect(machine.id).toBe(s.machine.id);
    expect(s.log).toEqual(["nonce", `verified ${s.machine.id}`]);
  });

  it("tells it nothing about a signature that does not verify, and records no nonce", async () => {
    const s = await setUp();
    const refused = await s.auth
      .authenticate(await s.request(true), CTX, { verified: s.verified })
      .catch((e) => e);
    expect(refused).toBeInstanceOf(SikkerKeyError);
    expect((refused as SikkerKeyError).code).toBe("BAD_SIGNATURE");
    expect(s.log).toEqual([]);
    expect(s.refusals).toEqual(["bad_signature"]);
  });

  it("still refuses a replay, though `verified` was told (what it started only looks)", async () => {
    const s = await setUp([true, false]);
    const signed = await s.request();
    await s.auth.authenticate(signed, CTX, { verified: s.verified });
    const refused = await s.auth.authenticate(signed, CTX, { verified: s.verified }).catch((e) => e);
    expect((refused as SikkerKeyError).code).toBe("REPLAYED_NONCE");
    expect(s.refusals).toEqual(["replayed"]);
    expect(s.log.filter((l) => l.startsWith("verified"))).toHaveLength(2);
  });

  it("works as before without it", async () => {
    const s = await setUp();
    expect((await s.auth.authenticate(await s.request(), CTX)).id).toBe(s.machine.id);
    expect(s.log).toEqual(["nonce"]);
  });
});

describe("machine authentication: where the signature is verified", () => {
  /** The machine's key, with its two ways of verifying counted. */
  function counted(s: Awaited<ReturnType<typeof setUp>>) {
    const key = s.keys.get(s.machine.id, s.machine.publicKeyPem);
    return { inline: vi.spyOn(key, "verify"), offThread: vi.spyOn(key, "verifyOffThread") };
  }

  it("verifies a lone request inline", async () => {
    const s = await setUp();
    const { inline, offThread } = counted(s);
    await s.auth.authenticate(await s.request(), CTX);
    expect([inline.mock.calls.length, offThread.mock.calls.length]).toEqual([1, 0]);
  });

  it("verifies on libuv's thread pool while other requests are being authenticated, with the same answers", async () => {
    const s = await setUp([true, true, true, true]);
    const { inline, offThread } = counted(s);
    const [good, bad] = [await s.request(), await s.request(true)];
    const answers = await Promise.all(
      [good, bad, good].map((r) =>
        s.auth.authenticate(r, CTX).then(
          (m) => m.id,
          (e: SikkerKeyError) => e.code,
        ),
      ),
    );
    expect(answers).toEqual([s.machine.id, "BAD_SIGNATURE", s.machine.id]);
    expect([inline.mock.calls.length, offThread.mock.calls.length]).toEqual([0, 3]);
    expect(s.refusals).toEqual(["bad_signature"]);

    // Refused or not, each has stopped counting: the next lone request is inline again.
    await s.auth.authenticate(good, CTX);
    expect([inline.mock.calls.length, offThread.mock.calls.length]).toEqual([1, 3]);
  });
});
