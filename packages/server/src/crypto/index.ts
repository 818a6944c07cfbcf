export {
  aadFor,
  createTestKeyring,
  Keyring,
  keyIdFor,
  type MasterKey,
  type Sealer,
  UnreadableSealedValue,
} from "./keyring.js";
export { type KeySourceOptions, loadKeyring } from "./master-key.js";
