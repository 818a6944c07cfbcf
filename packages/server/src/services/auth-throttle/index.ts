export {
  type ApiAuthThrottle,
  type ApiThrottlePolicy,
  type AuthScope,
  createApiAuthThrottle,
  DEFAULT_API_THROTTLE,
} from "./api-throttle.js";
export {
  type CountedKey,
  createFailureCounter,
  type FailureCounter,
  type LockPolicy,
  lockSeconds,
} from "./failure-counter.js";
