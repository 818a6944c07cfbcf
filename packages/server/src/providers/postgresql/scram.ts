import { createHash, createHmac, pbkdf2, randomBytes } from "node:crypto";
import { promisify } from "node:util";

const pbkdf2Async = promisify(pbkdf2);
const ITERATIONS = 4096;

/**
 * The SCRAM-SHA-256 verifier PostgreSQL stores for `password` (RFC 5802/7677 in PostgreSQL's
 * `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>` form). `CREATE ROLE … PASSWORD`
 * given a verifier stores it as is, so the plaintext never reaches the target: not the wire, not
 * `log_statement`, not `pg_stat_statements`. PBKDF2 runs on libuv's pool so mints in flight do
 * not stall the event loop (4096 rounds are ~2 ms of CPU).
 *
 * PostgreSQL SASLpreps the password first; that is the identity for printable ASCII, which is all
 * `generatePassword` produces. Anything else is refused rather than hashed differently from the
 * server (which would mint a login whose password never works).
 */
export async function scramVerifier(password: string, salt: Buffer = randomBytes(16)): Promise<string> {
  if (!/^[\x20-\x7e]+$/.test(password)) {
    throw new TypeError("a minted password must be non-empty printable ASCII");
  }
  const salted = await pbkdf2Async(password, salt, ITERATIONS, 32, "sha256");
  const clientKey = createHmac("sha256", salted).update("Client Key").digest();
  const storedKey = createHash("sha256").update(clientKey).digest();
  const serverKey = createHmac("sha256", salted).update("Server Key").digest();
  const b64 = (b: Buffer) => b.toString("base64");
  return `SCRAM-SHA-256$${ITERATIONS}:${b64(salt)}$${b64(storedKey)}:${b64(serverKey)}`;
}
