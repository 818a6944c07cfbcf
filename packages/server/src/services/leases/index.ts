export type { ReapResult } from "./claim.js";
export { createLeaseEngine, type LeaseEngine } from "./engine.js";
export { getInstallId } from "./install-id.js";
export { fromOperator, type LeaseActor, SYSTEM } from "./lease-events.js";
export type { MachineRef, SecretRef } from "./mint.js";
export {
  DEFAULT_OPTIONS,
  type LeaseEngineDeps,
  type LeaseEngineOptions,
  type PasswordGenerator,
} from "./options.js";
export type { LeaseListQuery } from "./queries.js";
export type { ReadContext } from "./read.js";
export type { ReconcileResult } from "./reconcile.js";
export type { LeaseStats } from "./stats.js";
export { leaseHooks } from "./wiring.js";
