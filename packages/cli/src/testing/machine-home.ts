import { generateKeyPairSync } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MACHINE_ID } from "./fixtures.js";

/** A throwaway $SIKKERKEY_HOME holding a valid identity for `server` (folder 0700, file 0600). */
export async function machineHome(server: string): Promise<{ home: string; cleanup: () => Promise<void> }> {
  const home = await emptyHome();
  const { privateKey } = generateKeyPairSync("ed25519");
  const identity = {
    server,
    machineId: MACHINE_ID,
    privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
  };
  await writeFile(join(home, "identity.json"), JSON.stringify(identity), { mode: 0o600 });
  return { home, cleanup: () => rm(home, { recursive: true, force: true }) };
}

/** A fresh, empty folder (mode 0700) to use as $SIKKERKEY_HOME. */
export function emptyHome(): Promise<string> {
  return mkdtemp(join(tmpdir(), "sikkerkey-cli-test-"));
}
