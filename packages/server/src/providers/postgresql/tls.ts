import { isIP } from "node:net";
import type { ConnectionOptions } from "node:tls";
import type { TargetConnection } from "../provider.js";

/**
 * postgres.js's `ssl` option for a target, with libpq's meaning of each mode:
 * - disable: plain TCP;
 * - require: encrypted; the certificate is verified against the CA when one is given (libpq does
 *   the same when a root certificate is present), otherwise not at all;
 * - verify-full: encrypted, chain verified against the CA (or the system's roots without one) and
 *   the certificate must name the host.
 */
export function sslOption(target: TargetConnection): false | "require" | ConnectionOptions {
  const ca = target.caPem || undefined;
  switch (target.tlsMode) {
    case "disable":
      return false;
    case "require":
      return ca ? { ca, rejectUnauthorized: true, checkServerIdentity: () => undefined } : "require";
    case "verify-full":
      return {
        ca,
        rejectUnauthorized: true,
        // `host` feeds the identity check; SNI (`servername`) must not be an IP address.
        host: target.host,
        servername: isIP(target.host) ? undefined : target.host,
      };
  }
}
