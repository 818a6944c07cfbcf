import { randomBytes, scrypt as scryptCallback, timingSafeEqual } from "node:crypto";

/**
 * Operator passwords are hashed with scrypt from node:crypto: memory-hard, built in (no native
 * add-on to compile and no WASM blob to trust), and tunable. The default cost is OWASP's
 * recommendation for scrypt (N=2^17, r=8, p=1: 128 MiB and ~0.3 s per hash here). argon2id
 * would be the first choice, but the well-kept packages are native bindings (`argon2`,
 * `@node-rs/argon2`) and the pure-WASM ones are not maintained as carefully.
 *
 * The parameters travel with each hash (`scrypt$<log2 N>$<r>$<p>$<salt>$<hash>`), so raising
 * the cost later keeps every stored hash verifiable.
 */
export interface ScryptCost {
  log2N: number;
  r: number;
  p: number;
}

export const DEFAULT_COST: ScryptCost = { log2N: 17, r: 8, p: 1 };
/** Tests only: a hash per sign-in at the real cost would make the suite crawl. */
export const TEST_COST: ScryptCost = { log2N: 10, r: 8, p: 1 };

const KEY_BYTES = 32;
const SALT_BYTES = 16;
const FORMAT = /^scrypt\$(\d{1,2})\$(\d{1,2})\$(\d{1,2})\$([A-Za-z0-9_-]{16,64})\$([A-Za-z0-9_-]{40,64})$/;

/**
 * At most this many hashes run at once: each takes 128 MiB, so a burst of sign-ins must queue
 * instead of exhausting the server's memory.
 */
const MAX_CONCURRENT = 2;
let running = 0;
const waiting: (() => void)[] = [];

async function limited<T>(work: () => Promise<T>): Promise<T> {
  if (running >= MAX_CONCURRENT) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await work();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

function derive(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  const N = 2 ** cost.log2N;
  return limited(
    () =>
      new Promise<Buffer>((resolve, reject) => {
        // maxmem must exceed 128 * N * r bytes, or node refuses the parameters.
        const maxmem = 256 * N * cost.r;
        scryptCallback(
          password.normalize("NFKC"),
          salt,
          KEY_BYTES,
          { N, r: cost.r, p: cost.p, maxmem },
          (e, key) => (e ? reject(e) : resolve(key)),
        );
      }),
  );
}

export async function hashPassword(password: string, cost: ScryptCost = DEFAULT_COST): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, cost);
  return `scrypt$${cost.log2N}$${cost.r}$${cost.p}$${salt.toString("base64url")}$${key.toString("base64url")}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const match = FORMAT.exec(stored);
  if (!match) return false;
  const cost = { log2N: Number(match[1]), r: Number(match[2]), p: Number(match[3]) };
  // A hash from a store cannot ask for absurd work (or too little to mean anything).
  if (cost.log2N < 10 || cost.log2N > 20 || cost.r < 1 || cost.r > 32 || cost.p < 1 || cost.p > 16)
    return false;
  const expected = Buffer.from(match[5]!, "base64url");
  const key = await derive(password, Buffer.from(match[4]!, "base64url"), cost);
  return key.length === expected.length && timingSafeEqual(key, expected);
}

let dummy: Promise<string> | undefined;

/**
 * Spends the same work as a real check when the email is unknown or has no password, so the
 * time a refusal takes does not tell which emails are operators.
 */
export async function verifyAgainstNothing(password: string, cost: ScryptCost): Promise<false> {
  dummy ??= hashPassword("not a password", cost);
  await verifyPassword(password, await dummy);
  return false;
}
