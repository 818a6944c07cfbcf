export { createServer, type ServerOverrides, type SikkerKeyServer } from "./app.js";
export { type Config, ConfigError, type ConfigSources, parseConfig } from "./config.js";
export type { ServiceHooks, Services } from "./services/index.js";
export type { LeasedReader } from "./services/machine-api/read-service.js";
export type { MachineDisableHook } from "./services/machines/hooks.js";
export type { SecretDeletionHook } from "./services/secrets/hooks.js";
export { SERVER_VERSION } from "./version.js";
