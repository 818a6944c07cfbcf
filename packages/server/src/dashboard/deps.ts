import { type Clock, systemClock } from "../clock.js";
import type { Sealer } from "../crypto/index.js";
import type { Logger } from "../log/index.js";
import { silentLogger } from "../log/index.js";
import type { Services } from "../services/index.js";
import type { Db } from "../store/index.js";
import { DEFAULT_COST, type ScryptCost } from "./auth/password.js";
import {
  createSessionStore,
  DEFAULT_SESSION_LIMITS,
  type SessionLimits,
  type SessionStore,
} from "./auth/sessions.js";
import {
  createSignInThrottle,
  DEFAULT_THROTTLE,
  type SignInThrottle,
  type ThrottlePolicy,
} from "./auth/throttle.js";
import { type DashboardLeasedOps, leasedOpsFromServices } from "./leased-ops.js";
import { createDraftStore, type DraftStore } from "./wizard/drafts.js";

/** What the composition root hands to `createDashboard`. */
export interface DashboardDeps {
  services: Services;
  /** For the dashboard's own tables (sessions, sign-in attempts) and operator passwords. */
  db: Db;
  /** Seals the wizard's admin password while a draft is open, and the sign-in form's CSRF token. */
  sealer: Sealer;
  clock?: Clock;
  /** Defaults to the lease operations of `services` (the same ones the JSON API uses). */
  leased?: DashboardLeasedOps;
  /** Behind a TLS-terminating proxy: trust `X-Forwarded-Proto: https` for Secure cookies. */
  trustProxy?: boolean;
  logger?: Logger;
  /** Tests lower the KDF cost; production keeps the default. */
  passwordCost?: ScryptCost;
  sessionLimits?: SessionLimits;
  throttle?: ThrottlePolicy;
}

/** The deps with every default filled in, built once per dashboard. */
export interface DashboardContext {
  services: Services;
  db: Db;
  sealer: Sealer;
  clock: Clock;
  leased: DashboardLeasedOps;
  trustProxy: boolean;
  logger: Logger;
  passwordCost: ScryptCost;
  sessionLimits: SessionLimits;
  sessions: SessionStore;
  throttle: SignInThrottle;
  drafts: DraftStore;
}

export function resolveDeps(deps: DashboardDeps): DashboardContext {
  const clock = deps.clock ?? systemClock;
  const sessionLimits = deps.sessionLimits ?? DEFAULT_SESSION_LIMITS;
  return {
    services: deps.services,
    db: deps.db,
    sealer: deps.sealer,
    clock,
    leased: deps.leased ?? leasedOpsFromServices(deps.services),
    trustProxy: deps.trustProxy ?? false,
    logger: deps.logger ?? silentLogger,
    passwordCost: deps.passwordCost ?? DEFAULT_COST,
    sessionLimits,
    sessions: createSessionStore(deps.db, clock, sessionLimits),
    throttle: createSignInThrottle(deps.db, clock, deps.throttle ?? DEFAULT_THROTTLE),
    drafts: createDraftStore({ sealer: deps.sealer, clock }),
  };
}
