import {
  isSecretId,
  MACHINE_PATHS,
  type SecretReadResponse,
  secretReadResponseSchema,
  type WhoamiResponse,
  whoamiResponseSchema,
} from "@sikkerkey/protocol";
import { SikkerKeyError } from "./errors.js";
import { credentialsFrom, loadIdentity, type MachineCredentials } from "./identity.js";
import { resolveTransportOptions, type SikkerKeyOptions } from "./options.js";
import { type RequestSettings, type ResponseSchema, sendSigned } from "./request.js";
import { createTransport, type OwnedTransport } from "./transport.js";

/**
 * A client for the SikkerKey machine API. Every request is signed with the machine's key
 * (RFC 9421); transient failures are retried with backoff; failures throw {@link SikkerKeyError}.
 * Create one per process and reuse it: it keeps connections alive between reads.
 *
 * @example
 * import { type LeasedCredentialFields, SikkerKey } from "@sikkerkey/sdk";
 *
 * const sk = new SikkerKey(); // starts reading $SIKKERKEY_HOME/identity.json in the background
 * const db = await sk.getFields<LeasedCredentialFields>("sk_db_prod");
 * connect({ host: db.host, port: db.port, user: db.username, password: db.password });
 */
export class SikkerKey {
  readonly #options: SikkerKeyOptions;
  readonly #transport: OwnedTransport;
  readonly #settings: RequestSettings;
  #credentials: Promise<MachineCredentials> | undefined;
  /** The load started by the constructor, the only one whose failure the first call retries. */
  readonly #preloaded: Promise<MachineCredentials>;

  /**
   * Synchronous, and throws only for bad options. It starts reading the identity and loading the
   * HTTP client in the background, so the first request does not wait for them; a missing or
   * invalid identity is reported by the first request, as a {@link SikkerKeyError}.
   */
  constructor(options: SikkerKeyOptions = {}) {
    this.#options = options;
    const resolved = resolveTransportOptions(options);
    this.#transport = createTransport({
      fetch: options.fetch,
      dispatcher: options.dispatcher,
      timeoutMs: resolved.timeoutMs,
    });
    this.#settings = { ...resolved, send: this.#transport.send };
    this.#transport.preload();
    this.#preloaded = this.#startLoading();
  }

  /**
   * Reads a secret's fields. Leased secrets answer with a login minted for this machine
   * (`host, port, database, username, password`); reading again within the lease returns the same one.
   * `T` is not checked at run time: the server decides the field names.
   *
   * @example
   * const { STRIPE_KEY } = await sk.getFields<{ STRIPE_KEY: string }>("sk_api_keys");
   * const db = await sk.getFields<LeasedCredentialFields>("sk_db_prod"); // db.port is a number
   */
  async getFields<T = Record<string, string | number>>(id: string): Promise<T> {
    const secret = await this.get(id);
    return secret.fields as T;
  }

  /**
   * Reads a whole secret: `{ id, kind, fields, lease? }`. `lease` tells when a leased login expires.
   *
   * @example
   * const secret = await sk.get("sk_db_prod");
   * if (secret.lease) console.log(`login valid until ${secret.lease.expiresAt}`);
   */
  async get(id: string): Promise<SecretReadResponse> {
    if (typeof id !== "string" || !isSecretId(id)) {
      throw new SikkerKeyError({
        code: "INVALID_ARGUMENT",
        message: "secret ids are 2–64 chars: lowercase letters, digits, '_' or '-', starting with a letter",
      });
    }
    return this.#send(MACHINE_PATHS.secret(id), secretReadResponseSchema);
  }

  /**
   * Describes this machine as the server knows it: id, name, vault, status and granted projects.
   * Works while the machine is still pending approval.
   *
   * @example
   * const me = await sk.whoami();
   * if (me.status === "pending") console.log("ask an operator to approve", me.name);
   */
  async whoami(): Promise<WhoamiResponse> {
    return this.#send(MACHINE_PATHS.me, whoamiResponseSchema);
  }

  /**
   * Closes the SDK's kept-alive connections (not a dispatcher passed in options). Only needed to
   * end a process promptly or in tests; a closed client reconnects if used again.
   *
   * @example
   * await sk.close();
   */
  async close(): Promise<void> {
    await this.#transport.close();
  }

  async #send<T>(path: string, schema: ResponseSchema<T>): Promise<T> {
    const credentials = await this.#loadCredentials();
    return sendSigned(this.#settings, {
      method: "GET",
      url: credentials.baseUrl + path,
      keyId: credentials.keyId,
      key: credentials.key,
      idempotent: true,
      schema,
    });
  }

  #loadCredentials(): Promise<MachineCredentials> {
    const current = this.#credentials ?? this.#startLoading();
    if (current !== this.#preloaded) return current;
    // The constructor's read may predate the machine's enrollment: on failure, read once more.
    return current.catch(() => this.#credentials ?? this.#startLoading());
  }

  #startLoading(): Promise<MachineCredentials> {
    // Shared by concurrent calls, so the file is read and the key parsed once.
    const loading = (async () => {
      const identity = this.#options.identity ?? (await loadIdentity(this.#options.home));
      return credentialsFrom(identity, this.#options.server);
    })();
    this.#credentials = loading;
    // A failed load is forgotten, so a machine that enrolls while the process runs recovers.
    // Handling it here also keeps a preload that no call follows from being an unhandled rejection.
    loading.catch(() => {
      if (this.#credentials === loading) this.#credentials = undefined;
    });
    return loading;
  }
}
