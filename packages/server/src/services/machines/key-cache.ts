import { importVerifyKey, type VerifyKey } from "@sikkerkey/signing";

/**
 * Parsed machine public keys. Importing a key costs more than verifying with it, so it happens
 * once per machine. Entries are keyed by the PEM too: the status of a machine is read from the
 * store on every request (so a disable on another replica counts at once), and only the parse
 * is cached.
 */
export class MachineKeyCache {
  readonly #entries = new Map<string, { pem: string; key: VerifyKey }>();

  constructor(readonly maxEntries = 10_000) {}

  get(machineId: string, publicKeyPem: string): VerifyKey {
    const hit = this.#entries.get(machineId);
    if (hit && hit.pem === publicKeyPem) return hit.key;
    const key = importVerifyKey(publicKeyPem);
    if (this.#entries.size >= this.maxEntries) {
      // Maps iterate in insertion order: drop the oldest entry.
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    this.#entries.set(machineId, { pem: publicKeyPem, key });
    return key;
  }

  invalidate(machineId: string): void {
    this.#entries.delete(machineId);
  }

  get size(): number {
    return this.#entries.size;
  }
}
