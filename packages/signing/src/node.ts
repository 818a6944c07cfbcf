// "@sikkerkey/signing/node": the Node.js-only helpers, kept out of the main entry so it stays
// loadable in any JavaScript runtime.
export { IdentityFileError, type IdentityFileErrorCode } from "./identity-file-error.js";
export {
  IDENTITY_FILE,
  identityPath,
  readIdentityFile,
  type WriteIdentityOptions,
  writeIdentityFile,
} from "./identity-file.js";
