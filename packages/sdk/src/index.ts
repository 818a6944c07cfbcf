export type { Identity } from "@sikkerkey/signing";
export type {
  LeasedCredentialFields,
  LeaseInfo,
  SecretKind,
  SecretReadResponse,
  WhoamiResponse,
  EnrollResponse,
  MachineStatus,
} from "@sikkerkey/protocol";
export { SikkerKey } from "./client.js";
export { type EnrollOptions, type EnrollResult, enroll } from "./enroll.js";
export {
  type ClientErrorCode,
  type ProblemDetails,
  SikkerKeyError,
  type SikkerKeyErrorCode,
  type SikkerKeyErrorInit,
} from "./errors.js";
export type { SikkerKeyOptions, TransportOptions } from "./options.js";
export type { FetchLike } from "./transport.js";
export { SDK_VERSION } from "./version.js";
