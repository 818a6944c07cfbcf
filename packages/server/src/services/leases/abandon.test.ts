import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Provider, ProviderError } from "../../providers/provider.js";
import { openStore, type Store } from "../../store/index.js";
import { FakeProvider } from "./fake-provider.js";
import { auditOf, type Harness, harness, leasesOf, seedLeased } from "./testing.js";

// A forced revoke racing an attempt that was already at the target: the lease must end as the
// target does (the role dropped: revoked, audited once), not abandoned.
describe("abandoning a lease while another attempt is under way", () => {
  let store: Store;
  /** Revokes through the fake, except: `hold` parks the next one, `refuseNext` fails the next one. */
  let hold: Promise<void> | undefined;
  let refuseNext = false;
  let reachedHold: () => void = () => {};
  class RacingProvider extends FakeProvider {
    override async revoke(target: Parameters<Provider["revoke"]>[0], login: string) {
      if (refuseNext) {
        refuseNext = false;
        throw new ProviderError("connection refused", { retryable: true });
      }
      if (hold) {
        const parked = hold;
        hold = undefined;
        reachedHold();
        await parked;
      }
      return super.revoke(target, login);
    }
  }
  const fake = new RacingProvider();
  let h: Harness;
  beforeAll(async () => {
    store = await openStore({ memory: true });
    h = await harness(store, fake);
  });
  afterAll(async () => {
    await store?.close();
  });

  it("the slower attempt's success wins: the lease ends revoked, with lease.abandon then lease.revoke", async () => {
    const { secret, machines } = await seedLeased(h);
    const read = await h.engine.read(secret, machines[0]!, {});
    const id = read.lease!.id;
    refuseNext = true;
    expect(await h.engine.revoke(id, "operator")).toMatchObject({ state: "revoking", attempts: 1 });

    // The reaper's retry reaches the target and waits there...
    let release: () => void = () => {};
    hold = new Promise<void>((r) => {
      release = r;
    });
    const reached = new Promise<void>((r) => {
      reachedHold = r;
    });
    h.clock.advance(3_600);
    const reaping = h.engine.reapOnce();
    await reached;
    // ...while an operator forces it: this attempt fails, so the lease is abandoned...
    refuseNext = true;
    expect(await h.engine.revoke(id, "operator", undefined, { force: true })).toMatchObject({
      state: "abandoned",
    });
    // ...and then the reaper's drop succeeds.
    release();
    await reaping;
    const [row] = (await leasesOf(h.db, secret.id)).filter((l) => l.id === id);
    expect(row).toMatchObject({ state: "revoked" });
    expect(fake.roles.has(read.fields.username as string)).toBe(false);
    const actions = (await auditOf(h.db, secret.id)).map((e) => e.action).filter((a) => a !== "secret.read");
    expect(actions.slice(-2)).toEqual(["lease.abandon", "lease.revoke"]);
    expect(actions.filter((a) => a === "lease.revoke")).toHaveLength(1);
  });

  it("a login created after its lease was abandoned is dropped, and the lease ends revoked", async () => {
    const { secret, machines } = await seedLeased(h);
    // The target takes its time creating the login; meanwhile two revocations fail.
    fake.createDelayMs = 100;
    const settled = h.engine.read(secret, machines[0]!, {}).then(
      () => undefined,
      (error: unknown) => error,
    );
    for (let i = 0; i < 50 && (await leasesOf(h.db, secret.id)).length === 0; i++) {
      await new Promise((r) => setTimeout(r, 5));
    }
    const [minting] = await leasesOf(h.db, secret.id);
    expect(minting).toMatchObject({ state: "minting" });
    refuseNext = true;
    expect(await h.engine.revoke(minting!.id, "operator")).toMatchObject({ state: "revoking" });
    refuseNext = true;
    expect(await h.engine.revoke(minting!.id, "operator", undefined, { force: true })).toMatchObject({
      state: "abandoned",
    });

    // The create lands after that: the login is not handed out, and dropping it ends the lease.
    expect(await settled).toMatchObject({ code: "PROVIDER_UNAVAILABLE" });
    await h.engine.settle();
    fake.createDelayMs = 0;
    const [row] = (await leasesOf(h.db, secret.id)).filter((l) => l.id === minting!.id);
    expect(row).toMatchObject({ state: "revoked" });
    expect(fake.roles.has(minting!.login)).toBe(false);
    const events = (await auditOf(h.db, secret.id)).filter((e) => e.action !== "secret.read");
    expect(events.map((e) => e.action).slice(-2)).toEqual(["lease.abandon", "lease.revoke"]);
    // Recorded as the revocation it is (the lease's own reason), once.
    expect(events.at(-1)).toMatchObject({ reason: "operator", detail: { existed: true } });
    expect(events.filter((e) => e.action === "lease.revoke")).toHaveLength(1);
  });
});
