import type { Lease } from "@sikkerkey/protocol";
import type { Command } from "commander";
import { adminClient, type OperatorOptions, seg, withOperatorOptions } from "../../operator.js";
import type { JsonOption } from "../../options.js";
import { printJson, printLine } from "../../output.js";

export function registerLeaseRevoke(lease: Command): void {
  withOperatorOptions(
    lease
      .command("revoke")
      .description("revoke a lease now: the login is cut off, its sessions ended, the role dropped")
      .argument("<lease>", "lease id (lease_…)")
      .option("--json", "print the lease as JSON"),
  ).action(async (id: string, opts: OperatorOptions & JsonOption) => {
    const revoked = await adminClient(opts).post<Lease>(`/leases/${seg(id)}/revoke`);
    if (opts.json) return printJson(revoked);
    if (revoked.state === "revoked") {
      printLine(`Revoked lease ${revoked.id}: login ${revoked.login} removed.`);
    } else {
      // The database may be unreachable: the login is already unable to log in and the
      // server keeps retrying the drop.
      printLine(
        `Lease ${revoked.id} is ${revoked.state}: login ${revoked.login} can no longer log in; the server finishes the revocation${revoked.lastError ? ` (last error: ${revoked.lastError})` : ""}.`,
      );
    }
  });
}
