export {
  aadFor,
  createTestKeyring,
  Keyring,
  keyIdFor,
  type MasterKey,
  type Sealer,
  UnreadableSealedValue,
} from "./keyring.js";
export { type KeySourceOptions, keyFileOf, keySourceFor, loadKeyring } from "./master-key.js";
export { loadKeyringForStore, MasterKeyMismatch } from "./store-keys.js";
