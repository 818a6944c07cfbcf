import { formatDuration, type LeasedConfigView, type Secret } from "@sikkerkey/protocol";
import { printLine, time } from "../../output.js";

/** One paragraph a person can check a leased secret's configuration against. */
export function describeLeased(leased: LeasedConfigView): string {
  const { connection: c, shape: s, policy: p } = leased;
  const renew = p.renewOnRead
    ? `renewed on read${p.renewWindowSeconds ? ` in the last ${formatDuration(p.renewWindowSeconds)}` : ""}`
    : "not renewed on read";
  const lines = [
    `  connection  ${c.adminUser}@${c.host}:${c.port}/${c.database} (tls ${c.tlsMode}${c.hasCa ? ", CA set" : ""})`,
    `  logins      ${s.passwordLength}-char ${s.charset} passwords${s.grants ? ", grants template set" : ""}`,
    `  lifetime    ${formatDuration(p.lifetimeSeconds)}, ${renew}${p.hardMaxSeconds ? `, hard max ${formatDuration(p.hardMaxSeconds)}` : ""}`,
    `  policy      ${[
      p.nativeExpiry ? "VALID UNTIL set" : "no VALID UNTIL",
      p.revokeOnDisable ? "revoked when the machine is disabled" : "kept when the machine is disabled",
      p.mintFresh ? "new login on every read" : undefined,
      p.maxLogins ? `at most ${p.maxLogins} live logins` : undefined,
    ]
      .filter(Boolean)
      .join(", ")}`,
  ];
  return lines.join("\n");
}

export function printSecret(secret: Secret): void {
  printLine(`${secret.id} (${secret.kind}, version ${secret.version})`);
  printLine(`  vault       ${secret.vaultId}`);
  printLine(
    `  project     ${secret.projectName ? `${secret.projectName} (${secret.projectId})` : secret.projectId}`,
  );
  if (secret.kind === "leased" && secret.leased) {
    printLine(describeLeased(secret.leased));
    if (secret.liveLeases !== undefined) printLine(`  live leases ${secret.liveLeases}`);
  } else if (secret.fields) {
    printLine("  fields");
    for (const [name, value] of Object.entries(secret.fields)) printLine(`    ${name}=${value}`);
  } else {
    printLine(`  fields      ${secret.fieldNames.join(", ") || "-"}`);
  }
  printLine(`  created     ${time(secret.createdAt)}`);
  printLine(`  updated     ${time(secret.updatedAt)}`);
  if (secret.deletedAt) printLine(`  deleted     ${time(secret.deletedAt)}`);
}
