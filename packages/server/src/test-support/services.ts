import { ManualClock } from "../clock.js";
import { createTestKeyring, type Keyring } from "../crypto/index.js";
import { createAuditLog } from "../services/audit/index.js";
import { createServices, type ServiceHooks, type Services } from "../services/index.js";
import type { OperatorActor } from "../services/actor.js";
import type { Store } from "../store/index.js";
import { createLeasedConfigService } from "../services/leased-config/index.js";
import type { ReadCache } from "../services/hot-read/read-cache.js";
import { FakeProvider } from "../services/leases/fake-provider.js";

export interface ServiceWorld {
  services: Services;
  keyring: Keyring;
  clock: ManualClock;
  owner: OperatorActor;
}

/** Every service on a given store (either driver), with an initialized owner. No HTTP. */
export async function servicesOn(
  store: Store,
  hooks?: ServiceHooks,
  options: { readCache?: ReadCache } = {},
): Promise<ServiceWorld> {
  const world = uninitializedServicesOn(store, hooks, options);
  const init = await world.services.init.initOwner("owner@example.com");
  return { ...world, owner: { operatorId: init.operatorId, tokenId: init.tokenId, sourceIp: null } };
}

/** The same, before `init`. */
export function uninitializedServicesOn(
  store: Store,
  hooks?: ServiceHooks,
  options: { readCache?: ReadCache } = {},
): Omit<ServiceWorld, "owner"> {
  const clock = new ManualClock(Date.UTC(2026, 0, 15, 12));
  const keyring = createTestKeyring();
  const provider = new FakeProvider();
  const services = createServices({
    db: store.db,
    sealer: keyring,
    clock,
    audit: createAuditLog({ db: store.db, clock }),
    skewSeconds: 60,
    leasedConfigs: createLeasedConfigService({ db: store.db, sealer: keyring, clock, provider }),
    ...(hooks ? { hooks } : {}),
    readCache: options.readCache,
  });
  return { services, keyring, clock };
}
