import type { Machine } from "@sikkerkey/protocol";
import { printLine, time } from "../../output.js";

export function printMachine(machine: Machine & { revokedLeases?: number }): void {
  printLine(`${machine.name} (${machine.id}): ${machine.status}`);
  printLine(`  vault       ${machine.vaultId}`);
  printLine(`  projects    ${machine.projects.map((p) => p.name).join(", ") || "-"}`);
  printLine(`  last seen   ${time(machine.lastSeenAt)}`);
  if (machine.liveLeases !== undefined) printLine(`  live leases ${machine.liveLeases}`);
  if (machine.revokedLeases !== undefined) printLine(`  revoked     ${machine.revokedLeases} lease(s)`);
}
