export { ConfigCache, type LoadedConfig, targetKey, toLoaded } from "./loaded.js";
export {
  type ConfigActor,
  type AdminCandidate,
  type ConfiguredTarget,
  createLeasedConfigService,
  type LeasedConfigService,
  type VaultRole,
} from "./service.js";
export { adminPasswordAad, type LeasedConfigRow, mergePatch, toPolicy, toView } from "./values.js";
