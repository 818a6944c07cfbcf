import { randomBytes } from "node:crypto";
import { chmod, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Keyring, keyIdFor, type MasterKey } from "./keyring.js";

export interface KeySourceOptions {
  env?: Record<string, string | undefined>;
  /** Where the key file lives when no key is given in the environment. */
  dataDir?: string;
  keyFile?: string;
}

/**
 * Master keys, in this order of preference:
 * 1. `SIKKERKEY_MASTER_KEY` (base64 of 32 bytes), with `SIKKERKEY_PREVIOUS_MASTER_KEYS`
 *    (comma-separated) still accepted for opening during a rotation;
 * 2. a key file (`--master-key-file`, default `<data dir>/master.key`) holding base64 keys one
 *    per line, the first one active. It is created 0600 with a fresh key on first start.
 * There is never a built-in default key.
 */
export async function loadKeyring(options: KeySourceOptions): Promise<Keyring> {
  const env = options.env ?? process.env;
  const fromEnv = env["SIKKERKEY_MASTER_KEY"];
  if (fromEnv) {
    const older = (env["SIKKERKEY_PREVIOUS_MASTER_KEYS"] ?? "").split(",").filter((s) => s.trim() !== "");
    return new Keyring(
      decodeKey(fromEnv, "SIKKERKEY_MASTER_KEY"),
      older.map((k, i) => decodeKey(k, `previous key #${i + 1}`)),
    );
  }
  const file = options.keyFile ?? (options.dataDir ? join(options.dataDir, "master.key") : undefined);
  if (!file)
    throw new Error("no master key: set SIKKERKEY_MASTER_KEY or give a data dir or --master-key-file");
  const lines = await readKeyFile(file);
  const [active, ...older] = lines.map((line, i) => decodeKey(line, `${file} line ${i + 1}`));
  return new Keyring(active!, older);
}

async function readKeyFile(file: string): Promise<string[]> {
  let text: string;
  try {
    const info = await stat(file);
    if ((info.mode & 0o077) !== 0) {
      throw new Error(`${file} is readable by other users; run: chmod 600 ${file}`);
    }
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    await mkdir(join(file, ".."), { recursive: true, mode: 0o700 });
    text = `${randomBytes(32).toString("base64")}\n`;
    await writeFile(file, text, { mode: 0o600, flag: "wx" });
    await chmod(file, 0o600);
  }
  const lines = text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
  if (lines.length === 0) throw new Error(`${file} holds no key`);
  return lines;
}

function decodeKey(text: string, where: string): MasterKey {
  const key = Buffer.from(text.trim(), "base64");
  if (key.length !== 32)
    throw new Error(`${where}: a master key is 32 bytes, base64-encoded (openssl rand -base64 32)`);
  return { id: keyIdFor(key), key: new Uint8Array(key) };
}
