import type { ManagedTag } from "../provider.js";

/**
 * The comment a minted role carries (`COMMENT ON ROLE`): which SikkerKey install and lease made
 * it, so a crash between "role created" and "lease recorded" leaves a role the reconciler can
 * trace, and a DBA reading `\du+` knows where it came from. Values are percent-encoded so a space
 * or `=` in an id cannot break the parse.
 */
const VERSION = "sikkerkey:v1";

const enc = encodeURIComponent;

export function formatTag(tag: ManagedTag): string {
  return `${VERSION} install=${enc(tag.installId)} lease=${enc(tag.leaseId)} secret=${enc(tag.secretId)} machine=${enc(tag.machineId)}`;
}

/** What every role of one install's comment starts with (the trailing space ends the id). */
export function tagPrefix(installId: string): string {
  return `${VERSION} install=${enc(installId)} `;
}

/** The tag in a role comment, or null when the comment is not ours (or not this version's). */
export function parseTag(comment: string | null | undefined): ManagedTag | null {
  if (!comment) return null;
  const [version, ...pairs] = comment.split(" ");
  if (version !== VERSION) return null;
  const fields = new Map<string, string>();
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq < 1) return null;
    try {
      fields.set(pair.slice(0, eq), decodeURIComponent(pair.slice(eq + 1)));
    } catch {
      return null;
    }
  }
  const installId = fields.get("install");
  const leaseId = fields.get("lease");
  const secretId = fields.get("secret");
  const machineId = fields.get("machine");
  if (!installId || !leaseId || secretId === undefined || machineId === undefined) return null;
  return { installId, leaseId, secretId, machineId };
}
