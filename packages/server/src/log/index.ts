export { describeError, type LoggedError } from "./describe-error.js";
export { createLogger, LOG_LEVELS, type Logger, type LogLevel, silentLogger } from "./logger.js";
export { REDACTED, redact, redactText } from "./redact.js";
