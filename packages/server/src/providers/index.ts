export { generatePassword } from "./password.js";
export { createPostgresProvider, type PostgresProviderOptions } from "./postgresql/index.js";
export { scramVerifier } from "./postgresql/scram.js";
export {
  type LoginSpec,
  type ManagedLogin,
  type ManagedTag,
  type Provider,
  ProviderError,
  type RevokeResult,
  type TargetConnection,
} from "./provider.js";
