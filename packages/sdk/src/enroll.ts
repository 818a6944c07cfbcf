import {
  type EnrollRequest,
  type EnrollResponse,
  enrollResponseSchema,
  isMachineName,
  MACHINE_PATHS,
} from "@sikkerkey/protocol";
import { generateKeyPair, type Identity, importSigningKey, keyThumbprint } from "@sikkerkey/signing";
import { SikkerKeyError } from "./errors.js";
import { identityError, serverBaseUrl } from "./identity.js";
import { resolveTransportOptions, type TransportOptions } from "./options.js";
import { sendSigned } from "./request.js";
import { createTransport } from "./transport.js";

export interface EnrollOptions extends TransportOptions {
  /** Base URL of the SikkerKey server, e.g. `https://sikkerkey.internal:8420`. */
  server: string;
  /** The enrollment token an operator created (`sikkerkey machine token create`). */
  token: string;
  /** This machine's name in its vault: letters, digits, `.`, `_`, `-`. */
  name: string;
  /**
   * The identity folder this enrollment is meant for. When given, enrollment stops before using
   * the token if an identity already lives there (the token would be spent on a key with nowhere
   * to go). Writing the file stays with the caller (`writeIdentityFile` of `@sikkerkey/signing/node`).
   */
  home?: string;
}

export interface EnrollResult {
  /** What to store as `identity.json` (it holds the private key: write it 0600). */
  identity: Identity;
  /** The machine as the server registered it; `status` is `pending` until an operator approves. */
  machine: EnrollResponse;
}

/**
 * Enrolls this machine: generates an Ed25519 key pair locally, and registers the public key with
 * the server, proving possession by signing the request with the new key. The private key never
 * leaves this process; store `identity` with `writeIdentityFile` from `@sikkerkey/signing/node`.
 *
 * @example
 * import { enroll } from "@sikkerkey/sdk";
 * import { writeIdentityFile } from "@sikkerkey/signing/node";
 *
 * const { identity, machine } = await enroll({ server: "https://sikkerkey.internal:8420", token, name: "billing-1" });
 * await writeIdentityFile(identity);
 * console.log(`enrolled ${machine.name} (${machine.status})`);
 */
export async function enroll(options: EnrollOptions): Promise<EnrollResult> {
  const baseUrl = serverBaseUrl(options.server, "INVALID_ARGUMENT");
  if (!isMachineName(options.name)) {
    throw new SikkerKeyError({
      code: "INVALID_ARGUMENT",
      message: "machine names are 1–64 chars: letters, digits, '.', '_' or '-'",
    });
  }
  if (!options.token)
    throw new SikkerKeyError({ code: "INVALID_ARGUMENT", message: "an enrollment token is required" });
  if (options.home !== undefined) await assertNoIdentity(options.home);

  const resolved = resolveTransportOptions(options);
  const transport = createTransport({ ...options, timeoutMs: resolved.timeoutMs });
  try {
    const { privateKeyPem, publicKeyPem } = await generateKeyPair();
    const body: EnrollRequest = { token: options.token, name: options.name, publicKeyPem };
    const machine = await sendSigned(
      { ...resolved, send: transport.send },
      {
        method: "POST",
        url: baseUrl + MACHINE_PATHS.enroll,
        body,
        // No machine id exists yet: the server finds the key by its thumbprint.
        keyId: keyThumbprint(publicKeyPem),
        key: importSigningKey(privateKeyPem),
        // A lost answer may mean the token was spent: repeating could enroll twice.
        idempotent: false,
        schema: enrollResponseSchema,
      },
    );
    return { identity: { server: baseUrl, machineId: machine.machineId, privateKeyPem }, machine };
  } finally {
    await transport.close();
  }
}

async function assertNoIdentity(home: string): Promise<void> {
  const { readIdentityFile } = await import("@sikkerkey/signing/node");
  try {
    await readIdentityFile(home);
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === "IDENTITY_NOT_FOUND") return;
    // An invalid or too-open file is still a file the caller should look at before replacing it.
    if (code !== "IDENTITY_INVALID" && code !== "IDENTITY_PERMISSIONS") throw identityError(error);
  }
  throw new SikkerKeyError({
    code: "IDENTITY_EXISTS",
    message: `an identity already exists in ${home}: this machine is enrolled (move it away to enroll again)`,
  });
}
