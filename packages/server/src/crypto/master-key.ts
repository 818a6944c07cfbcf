import { randomBytes } from "node:crypto";
import { chmod, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Config } from "../config.js";
import { Keyring, keyIdFor, type MasterKey } from "./keyring.js";

export interface KeySourceOptions {
  env?: Record<string, string | undefined>;
  /** Where the key file lives when no key is given in the environment. */
  dataDir?: string;
  keyFile?: string;
  /**
   * Whether a missing key file is created with a fresh key (the default). When false it is a
   * MissingKeyFile error instead: a store that already holds sealed values opens only under the
   * key that sealed them, and a new one would split it between two keys (store-keys.ts).
   */
  createKeyFile?: boolean;
}

/** The key file is not there, and the caller asked for it not to be created. */
export class MissingKeyFile extends Error {
  override name = "MissingKeyFile";
  constructor(readonly file: string) {
    super(`there is no key file at ${file}`);
  }
}

/** The key source a server with `config` uses: the one place flags and env become key options. */
export function keySourceFor(config: Config): KeySourceOptions {
  return {
    env: {
      SIKKERKEY_MASTER_KEY: config.masterKey?.reveal(),
      SIKKERKEY_PREVIOUS_MASTER_KEYS: config.previousMasterKeys?.reveal(),
    },
    dataDir: config.dataDir,
    ...(config.masterKeyFile ? { keyFile: config.masterKeyFile } : {}),
  };
}

/** The key file the keys come from, or undefined when they come from the environment. */
export function keyFileOf(options: KeySourceOptions): string | undefined {
  if ((options.env ?? process.env)["SIKKERKEY_MASTER_KEY"]) return undefined;
  return options.keyFile ?? (options.dataDir ? join(options.dataDir, "master.key") : undefined);
}

/**
 * Master keys, in this order of preference:
 * 1. `SIKKERKEY_MASTER_KEY` (base64 of 32 bytes), with `SIKKERKEY_PREVIOUS_MASTER_KEYS`
 *    (comma-separated) still accepted for opening during a rotation;
 * 2. a key file (`--master-key-file`, default `<data dir>/master.key`) holding base64 keys one
 *    per line, the first one active. It is created 0600 with a fresh key on first start
 *    (unless `createKeyFile` is false).
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
  const file = keyFileOf(options);
  if (!file)
    throw new Error("no master key: set SIKKERKEY_MASTER_KEY or give a data dir or --master-key-file");
  const lines = await readKeyFile(file, options.createKeyFile ?? true);
  const [active, ...older] = lines.map((line, i) => decodeKey(line, `${file} line ${i + 1}`));
  return new Keyring(active!, older);
}

async function readKeyFile(file: string, create: boolean): Promise<string[]> {
  let text: string;
  try {
    const info = await stat(file);
    if ((info.mode & 0o077) !== 0) {
      throw new Error(`${file} is readable by other users; run: chmod 600 ${file}`);
    }
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    if (!create) throw new MissingKeyFile(file);
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
