import { randomBytes } from "node:crypto";
import { chmod, readFile, rename, stat, writeFile } from "node:fs/promises";
import { keyIdFor } from "./keyring.js";

/**
 * The key file holds base64 keys one per line, the first one active (see master-key.ts).
 * Rewrites are atomic (a temp file renamed over the old one) and keep mode 0600, so a crash
 * never leaves a file with a key missing.
 */
async function readLines(file: string): Promise<string[]> {
  const info = await stat(file);
  if ((info.mode & 0o077) !== 0)
    throw new Error(`${file} is readable by other users; run: chmod 600 ${file}`);
  return (await readFile(file, "utf8"))
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
}

async function writeLines(file: string, lines: string[]): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${lines.join("\n")}\n`, { mode: 0o600, flag: "wx" });
  await chmod(tmp, 0o600);
  await rename(tmp, file);
}

const idOf = (line: string) => keyIdFor(new Uint8Array(Buffer.from(line, "base64")));

/** Puts a fresh key first (active); the keys already there stay, for opening. Returns its id. */
export async function addActiveKey(file: string): Promise<{ activeKeyId: string; kept: string[] }> {
  const lines = await readLines(file);
  const fresh = randomBytes(32).toString("base64");
  await writeLines(file, [fresh, ...lines]);
  return { activeKeyId: idOf(fresh), kept: lines.map(idOf) };
}

/** Keeps only the active (first) key. Returns the ids removed. */
export async function retireOlderKeys(file: string): Promise<string[]> {
  const [active, ...older] = await readLines(file);
  if (!active) throw new Error(`${file} holds no key`);
  if (older.length > 0) await writeLines(file, [active]);
  return older.map(idOf);
}
