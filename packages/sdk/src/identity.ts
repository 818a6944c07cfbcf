import { type Identity, importSigningKey, parseIdentity, type SigningKey } from "@sikkerkey/signing";
import { SikkerKeyError } from "./errors.js";

/** An identity made ready to sign: the key parsed once, the server URL checked once. */
export interface MachineCredentials {
  baseUrl: string;
  keyId: string;
  key: SigningKey;
}

const IDENTITY_CODES = new Set([
  "IDENTITY_NOT_FOUND",
  "IDENTITY_INVALID",
  "IDENTITY_PERMISSIONS",
  "IDENTITY_EXISTS",
]);

/**
 * Reads `$SIKKERKEY_HOME/identity.json` (or `<home>/identity.json`). The file system is reached
 * through a dynamic import, so the SDK loads in runtimes without node:fs when given an identity.
 */
export async function loadIdentity(home: string | undefined): Promise<Identity> {
  const { readIdentityFile } = await import("@sikkerkey/signing/node");
  try {
    return await readIdentityFile(home);
  } catch (error) {
    throw identityError(error);
  }
}

/** Maps signing's IdentityFileError (whose messages name the path, never the key) to a SikkerKeyError. */
export function identityError(error: unknown): SikkerKeyError {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && IDENTITY_CODES.has(code)) {
    return new SikkerKeyError({
      code: code as "IDENTITY_NOT_FOUND",
      message: (error as Error).message,
      cause: error,
    });
  }
  // A file-system failure such as EACCES: the message holds a path and an errno, no content.
  return new SikkerKeyError({
    code: "IDENTITY_INVALID",
    message: `cannot read the identity file: ${(error as Error)?.message ?? String(error)}`,
    cause: error,
  });
}

export function credentialsFrom(given: Identity, serverOverride: string | undefined): MachineCredentials {
  let identity: Identity;
  try {
    // The file was checked by readIdentityFile; an `identity` option gets the same checks here.
    // signing's messages name the field, never its value.
    identity = parseIdentity(JSON.stringify(given));
  } catch (error) {
    throw new SikkerKeyError({
      code: "IDENTITY_INVALID",
      message: `invalid identity: ${(error as Error).message}`,
    });
  }
  let key: SigningKey;
  try {
    key = importSigningKey(identity.privateKeyPem);
  } catch {
    // Neither message nor cause kept: a key parser's own words could quote key material.
    throw new SikkerKeyError({
      code: "IDENTITY_INVALID",
      message: "invalid identity: privateKeyPem is not a usable Ed25519 key",
    });
  }
  return {
    baseUrl: serverBaseUrl(
      serverOverride ?? identity.server,
      serverOverride ? "INVALID_ARGUMENT" : "IDENTITY_INVALID",
    ),
    keyId: identity.machineId,
    key,
  };
}

/** The server URL without a trailing slash, so `${baseUrl}/v1/...` keeps any path prefix. */
export function serverBaseUrl(server: string, code: "INVALID_ARGUMENT" | "IDENTITY_INVALID"): string {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new SikkerKeyError({ code, message: "the server URL is not a valid URL" });
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new SikkerKeyError({ code, message: `the server URL must be http(s), not ${url.protocol}` });
  }
  // Credentials in the URL would be sent to (and logged by) every proxy on the way.
  if (url.username || url.password) {
    throw new SikkerKeyError({ code, message: "the server URL must not contain a user name or password" });
  }
  url.search = "";
  url.hash = "";
  return url.href.replace(/\/+$/, "");
}
