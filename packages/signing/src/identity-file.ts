// Reading and writing $SIKKERKEY_HOME/identity.json (Node.js only: exported from
// "@sikkerkey/signing/node"). The folder is 0700 and the file 0600, like ~/.ssh, and a private key
// that others can read is refused rather than used.
import { randomBytes } from "node:crypto";
import { chmod, link, mkdir, open, rename, unlink } from "node:fs/promises";
import { join } from "node:path";
import { defaultSikkerkeyHome, type Identity, parseIdentity, serializeIdentity } from "./identity.js";
import { IdentityFileError } from "./identity-file-error.js";

export const IDENTITY_FILE = "identity.json";

export interface WriteIdentityOptions {
  /** Replace an existing identity file. Default false: losing a key means enrolling again. */
  overwrite?: boolean;
}

export function identityPath(home: string = defaultSikkerkeyHome()): string {
  return join(home, IDENTITY_FILE);
}

/** Reads and validates the identity file. Throws {@link IdentityFileError}. */
export async function readIdentityFile(home: string = defaultSikkerkeyHome()): Promise<Identity> {
  const path = identityPath(home);
  let file: Awaited<ReturnType<typeof open>>;
  try {
    file = await open(path, "r");
  } catch (error) {
    if (errorCode(error) === "ENOENT") {
      throw new IdentityFileError(
        "IDENTITY_NOT_FOUND",
        path,
        `no identity at ${path}: enroll this machine first`,
      );
    }
    throw error;
  }
  try {
    // Check the mode on the open handle, so the file checked is the file read.
    const { mode } = await file.stat();
    if (process.platform !== "win32" && (mode & 0o077) !== 0) {
      const octal = (mode & 0o777).toString(8).padStart(4, "0");
      throw new IdentityFileError(
        "IDENTITY_PERMISSIONS",
        path,
        `${path} is accessible by group or others (mode ${octal}); run: chmod 600 ${path}`,
      );
    }
    const text = await file.readFile("utf8");
    try {
      return parseIdentity(text);
    } catch (error) {
      throw new IdentityFileError("IDENTITY_INVALID", path, `${path}: ${(error as Error).message}`);
    }
  } finally {
    await file.close();
  }
}

/**
 * Writes the identity file atomically (temp file, fsync, then link or rename into place), creating
 * the folder 0700 and the file 0600. Returns the file's path.
 */
export async function writeIdentityFile(
  id: Identity,
  home: string = defaultSikkerkeyHome(),
  options: WriteIdentityOptions = {},
): Promise<string> {
  const text = serializeIdentity(id);
  const path = identityPath(home);
  // mkdir's mode is filtered by the umask; chmod makes it exactly 0700, but only for a folder we
  // made: tightening someone's existing folder (say $HOME) is not ours to do.
  const created = await mkdir(home, { recursive: true, mode: 0o700 });
  if (created !== undefined) await chmod(home, 0o700);

  const temp = join(home, `.${IDENTITY_FILE}.${randomBytes(6).toString("hex")}.tmp`);
  const file = await open(temp, "wx", 0o600);
  try {
    await file.chmod(0o600);
    await file.writeFile(text, "utf8");
    await file.sync();
  } finally {
    await file.close();
  }
  try {
    // link() fails with EEXIST if the target exists: a check-and-create with no race.
    await (options.overwrite ? rename(temp, path) : link(temp, path));
  } catch (error) {
    if (errorCode(error) === "EEXIST") {
      throw new IdentityFileError(
        "IDENTITY_EXISTS",
        path,
        `${path} already exists; pass overwrite to replace it`,
      );
    }
    throw error;
  } finally {
    await unlink(temp).catch(() => {});
  }
  await syncFolder(home);
  return path;
}

async function syncFolder(folder: string): Promise<void> {
  // Makes the new directory entry durable; not every platform can open a folder, hence best effort.
  try {
    const handle = await open(folder, "r");
    await handle.sync().finally(() => handle.close());
  } catch {}
}

function errorCode(error: unknown): string | undefined {
  return typeof error === "object" && error !== null && "code" in error ? String(error.code) : undefined;
}
