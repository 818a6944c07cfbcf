import { randomBytes } from "node:crypto";
import { access, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@sikkerkey/testkit";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { parseConfig } from "../config.js";
import { loadKeyring, MasterKeyMismatch } from "../crypto/index.js";
import { openStore } from "../store/index.js";
import { createHarness } from "../test-support/harness.js";
import { createWorld } from "../test-support/machine-client.js";
import { openStoreEarly } from "./early-store.js";
import { runRotateMasterKey } from "./rotate-master-key.js";
import { runStart } from "./start.js";

const refused = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", () => resolve(true));
  });

// The commands as bin.ts runs them, on an embedded store whose values are sealed under the key in
// <data dir>/master.key, given some other key.
describe("start and rotate-master-key with a key that opens nothing in the store", () => {
  let dir: string;
  let dataDir: string;
  let otherKeyFile: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "sk-refusal-"));
    dataDir = join(dir, "data");
    const h = await createHarness({
      store: await openStore({ dataDir }),
      overrides: { keyring: await loadKeyring({ dataDir }) },
    });
    await createWorld(h);
    await h.close();
    otherKeyFile = join(dir, "other.key");
    await writeFile(otherKeyFile, `${randomBytes(32).toString("base64")}\n`, { mode: 0o600 });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const config = (masterKeyFile: string, port = 0) =>
    parseConfig({ flags: { dataDir, masterKeyFile, listen: `127.0.0.1:${port}`, logLevel: "silent" } });

  it("start refuses before it listens, and closes the store it was handed (bin.ts opens it early)", async () => {
    const port = await freePort();
    const c = config(otherKeyFile, port);
    const store = await openStoreEarly(c)!;
    const close = vi.spyOn(store, "close");
    let listened = false;
    await expect(
      runStart(c, { opening: Promise.resolve(store), listening: () => (listened = true) }),
    ).rejects.toBeInstanceOf(MasterKeyMismatch);
    expect(listened).toBe(false);
    expect(await refused(port)).toBe(true);
    expect(close).toHaveBeenCalledOnce();
  });

  it("start refuses a mistyped key file path and leaves no key file behind", async () => {
    const typo = join(dataDir, "master.kye");
    await expect(runStart(config(typo))).rejects.toThrow(
      `there is no key file at ${typo}, and none was created`,
    );
    await expect(access(typo)).rejects.toThrow();
  });

  it("rotate-master-key refuses before it writes a new key line", async () => {
    const before = await readFile(otherKeyFile, "utf8");
    await expect(
      runRotateMasterKey(config(otherKeyFile), { step: "rotate", json: true }),
    ).rejects.toBeInstanceOf(MasterKeyMismatch);
    expect(await readFile(otherKeyFile, "utf8")).toBe(before);
  });
});
