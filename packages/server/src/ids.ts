import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { ID_ALPHABET, ID_PREFIXES, ID_RANDOM_LENGTH, type IdKind } from "@sikkerkey/protocol";

/**
 * Random bytes for ids, drawn from the CSPRNG 4 KiB at a time: every read and audit event takes
 * an id, and one `randomBytes` call per id was 2.5% of the server's CPU under read load. Ids are
 * unguessable names, not secrets; tokens and passwords still draw their own bytes.
 */
let pool = Buffer.alloc(0);
let poolAt = 0;

function randomByte(): number {
  if (poolAt === pool.length) {
    pool = randomBytes(4096);
    poolAt = 0;
  }
  return pool[poolAt++]!;
}

/**
 * Base58 characters drawn by rejection sampling: 58 does not divide 256, so a plain modulo
 * would favour the first characters. 22 base58 chars carry ~129 bits.
 */
function randomBase58(length: number): string {
  let out = "";
  while (out.length < length) {
    const byte = randomByte();
    if (byte >= 232) continue; // 232 = 58 * 4: the largest multiple of 58 below 256
    out += ID_ALPHABET[byte % 58];
  }
  return out;
}

export function newId(kind: IdKind): string {
  return `${ID_PREFIXES[kind]}_${randomBase58(ID_RANDOM_LENGTH)}`;
}

const TOKEN_PREFIX = { api: "skt", enrollment: "ske" } as const;

/** A bearer secret: 256 random bits, prefixed so a leaked one is recognisable by scanners. */
export function newSecretToken(kind: keyof typeof TOKEN_PREFIX): string {
  return `${TOKEN_PREFIX[kind]}_${randomBytes(32).toString("base64url")}`;
}

/** Tokens are high-entropy, so one SHA-256 is enough to store them (no KDF needed). */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

export function safeEqual(a: string, b: string): boolean {
  const left = createHash("sha256").update(a).digest();
  const right = createHash("sha256").update(b).digest();
  // Equal-length digests, so the comparison time says nothing about where a guess went wrong.
  return timingSafeEqual(left, right);
}
