import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { SikkerKeyError } from "../errors.js";

/** Seals and opens values at rest. `aad` binds a ciphertext to the row it belongs to. */
export interface Sealer {
  seal(plaintext: string, aad: string): string;
  open(sealed: string, aad: string): string;
}

export interface MasterKey {
  id: string;
  key: Uint8Array;
}

const FORMAT = "v1";
const IV_BYTES = 12;

/** A key's id is derived from the key, so the same key always has the same id on every replica. */
export function keyIdFor(key: Uint8Array): string {
  return `mk_${createHash("sha256").update(key).digest("hex").slice(0, 16)}`;
}

/**
 * The row identity as associated data: a ciphertext copied into another row (or another
 * column, or another version of the same secret) fails authentication instead of opening.
 */
export function aadFor(table: string, column: string, rowId: string, version?: number): string {
  return version === undefined ? `${table}.${column}:${rowId}` : `${table}.${column}:${rowId}:v${version}`;
}

/** The key id a sealed value names (its second part), without needing that key. */
export function sealedKeyId(sealed: string): string | undefined {
  return sealed.split(".")[1];
}

/**
 * AES-256-GCM envelope: `v1.<key id>.<iv>.<ciphertext>.<tag>` (base64url parts). Each
 * ciphertext names its key, so old keys can stay for opening while the active one seals.
 */
export class Keyring implements Sealer {
  readonly #keys = new Map<string, Uint8Array>();
  readonly activeKeyId: string;

  constructor(active: MasterKey, older: MasterKey[] = []) {
    for (const k of [active, ...older]) {
      if (k.key.length !== 32) throw new Error("master keys must be 32 bytes");
      this.#keys.set(k.id, k.key);
    }
    this.activeKeyId = active.id;
  }

  get keyIds(): string[] {
    return [...this.#keys.keys()];
  }

  seal(plaintext: string, aad: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.#keys.get(this.activeKeyId)!, iv);
    cipher.setAAD(Buffer.from(aad, "utf8"));
    const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return [FORMAT, this.activeKeyId, iv, body, cipher.getAuthTag()]
      .map((p) => (typeof p === "string" ? p : p.toString("base64url")))
      .join(".");
  }

  open(sealed: string, aad: string): string {
    const parts = sealed.split(".");
    if (parts.length !== 5 || parts[0] !== FORMAT) throw unreadable("unknown format");
    const [, keyId, iv, body, tag] = parts as [string, string, string, string, string];
    const key = this.#keys.get(keyId);
    if (!key) throw unreadable(`sealed with key ${keyId}, which this server does not have`);
    try {
      const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
      decipher.setAAD(Buffer.from(aad, "utf8"));
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString(
        "utf8",
      );
    } catch {
      throw unreadable("authentication failed (wrong key or moved ciphertext)");
    }
  }

  /** Which key sealed a value, so a rotation can find what still needs re-sealing. */
  keyIdOf(sealed: string): string | undefined {
    return sealedKeyId(sealed);
  }
}

/**
 * A sealed value this server cannot open (its key is not loaded, or the value was tampered with
 * or moved). Its own class, so that callers can tell "no key can open this" from a store that
 * failed for a moment: the first will not change by retrying, the second may.
 */
export class UnreadableSealedValue extends SikkerKeyError {
  constructor(why: string) {
    super("INTERNAL", `a sealed value could not be opened: ${why}`);
    this.name = "UnreadableSealedValue";
  }
}

function unreadable(why: string): SikkerKeyError {
  return new UnreadableSealedValue(why);
}

export function createTestKeyring(): Keyring {
  const key = randomBytes(32);
  return new Keyring({ id: keyIdFor(key), key });
}
