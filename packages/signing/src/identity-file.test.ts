import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { generateKeyPair } from "./keys.js";
import type { Identity } from "./identity.js";
import { readIdentityFile, writeIdentityFile } from "./identity-file.js";
import { IdentityFileError } from "./identity-file-error.js";

const { privateKeyPem } = await generateKeyPair();
const identity: Identity = { server: "https://sikkerkey.example", machineId: "mach_1", privateKeyPem };
const posix = process.platform !== "win32";

let root: string;
let home: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "sikkerkey-signing-"));
  home = join(root, "nested", ".sikkerkey");
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(IdentityFileError.isInstance(error)).toBe(true);
    expect((error as Error).message).not.toContain(privateKeyPem.split("\n")[1]);
    return (error as IdentityFileError).code;
  }
  throw new Error("expected a rejection");
}

describe("identity file", () => {
  it("writes a 0600 file in a fresh 0700 folder and reads it back", async () => {
    const path = await writeIdentityFile(identity, home);
    expect(path).toBe(join(home, "identity.json"));
    if (posix) {
      expect((await stat(home)).mode & 0o777).toBe(0o700);
      expect((await stat(path)).mode & 0o777).toBe(0o600);
    }
    expect(await readIdentityFile(home)).toEqual(identity);
    expect(await readdir(home)).toEqual(["identity.json"]);
  });

  it("leaves an existing folder's mode alone", async () => {
    await writeIdentityFile(identity, root);
    if (posix) expect((await stat(root)).mode & 0o777).toBe(0o700); // mkdtemp makes 0700 itself
    await chmod(root, 0o755);
    await writeIdentityFile(identity, root, { overwrite: true });
    if (posix) expect((await stat(root)).mode & 0o777).toBe(0o755);
  });

  it("refuses to overwrite unless asked", async () => {
    await writeIdentityFile(identity, home);
    const other = { ...identity, machineId: "mach_2" };
    expect(await codeOf(writeIdentityFile(other, home))).toBe("IDENTITY_EXISTS");
    expect((await readIdentityFile(home)).machineId).toBe("mach_1");
    await writeIdentityFile(other, home, { overwrite: true });
    expect((await readIdentityFile(home)).machineId).toBe("mach_2");
    expect(await readdir(home)).toEqual(["identity.json"]); // no temp files left behind
  });

  it("validates before touching the disk", async () => {
    await expect(writeIdentityFile({ ...identity, server: "nope" }, home)).rejects.toThrow(/server/);
    await expect(stat(home)).rejects.toThrow();
  });

  it("reports a missing file", async () => {
    expect(await codeOf(readIdentityFile(home))).toBe("IDENTITY_NOT_FOUND");
  });

  it.runIf(posix).each([0o640, 0o644, 0o604, 0o660, 0o620])("refuses a file with mode %o", async (mode) => {
    const path = await writeIdentityFile(identity, home);
    await chmod(path, mode);
    expect(await codeOf(readIdentityFile(home))).toBe("IDENTITY_PERMISSIONS");
  });

  it("reports an invalid file without echoing it", async () => {
    const path = await writeIdentityFile(identity, home);
    const text = await readFile(path, "utf8");
    await writeFile(path, text.replace('"server"', "server"));
    expect(await codeOf(readIdentityFile(home))).toBe("IDENTITY_INVALID");
    await writeFile(path, JSON.stringify({ ...identity, machineId: 7 }));
    expect(await codeOf(readIdentityFile(home))).toBe("IDENTITY_INVALID");
  });
});
