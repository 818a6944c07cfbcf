import type { Lease } from "@sikkerkey/protocol";
import type { Command } from "commander";
import { adminClient, type OperatorOptions, seg, withOperatorOptions } from "../../operator.js";
import type { JsonOption } from "../../options.js";
import { printJson, printLine } from "../../output.js";

interface Options extends OperatorOptions, JsonOption {
  force?: boolean;
}

export function registerLeaseRevoke(lease: Command): void {
  withOperatorOptions(
    lease
      .command("revoke")
      .description("revoke a lease now: the login is cut off, its sessions ended, the role dropped")
      .argument("<lease>", "lease id (lease_…)")
      .option(
        "--force",
        "if the login cannot be revoked now (its database is gone for good), stop trying: the lease is abandoned",
      )
      .option("--json", "print the lease as JSON"),
  ).action(async (id: string, opts: Options) => {
    const body = opts.force ? { force: true } : undefined;
    const revoked = await adminClient(opts).post<Lease>(`/leases/${seg(id)}/revoke`, body);
    if (opts.json) return printJson(revoked);
    printLine(describe(revoked));
  });
}

function describe(l: Lease): string {
  const why = l.lastError ? ` (last error: ${l.lastError})` : "";
  switch (l.state) {
    case "revoked":
      return `Revoked lease ${l.id}: login ${l.login} removed.`;
    case "abandoned":
      // The one outcome that leaves work to the operator: say exactly what it is.
      return (
        `Abandoned lease ${l.id}: the server could not revoke login ${l.login}${why} and has stopped trying. ` +
        `The login may still exist in its database: drop it there by hand (DROP ROLE), or let the reconciler ` +
        `drop it if the database comes back while a secret's configuration still points at it.`
      );
    case "revoking":
      // The database could not be reached: nothing there has changed yet.
      return (
        `Lease ${l.id} is still revoking: the server could not revoke login ${l.login} yet${why} and keeps ` +
        `retrying with backoff. If its database is gone for good: sikkerkey lease revoke ${l.id} --force`
      );
    default:
      return `Lease ${l.id} is ${l.state}: nothing to revoke.`;
  }
}
