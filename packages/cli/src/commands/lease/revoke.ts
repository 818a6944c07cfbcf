import type { Lease, SecretLeasesRevoked } from "@sikkerkey/protocol";
import type { Command } from "commander";
import { ExitSignal, UsageError } from "../../errors.js";
import { EXIT } from "../../exit-codes.js";
import { adminClient, type OperatorOptions, seg, withOperatorOptions } from "../../operator.js";
import type { JsonOption } from "../../options.js";
import { printJson, printLine } from "../../output.js";

interface Options extends OperatorOptions, JsonOption {
  force?: boolean;
  secret?: string;
}

export function registerLeaseRevoke(lease: Command): void {
  withOperatorOptions(
    lease
      .command("revoke")
      .description("revoke a lease now: the login is cut off, its sessions ended, the role dropped")
      .argument("[lease]", "lease id (lease_…)")
      .option("--secret <secret>", "instead of one lease: every login of this secret (an incident)")
      .option(
        "--force",
        "database gone for good: a lease whose revocation already failed and fails again is abandoned (the server stops trying)",
      )
      .option("--json", "print the lease (or the counts, with --secret) as JSON"),
  ).action(async (id: string | undefined, opts: Options) => {
    if ((id === undefined) === (opts.secret === undefined)) {
      throw new UsageError("give a lease id, or --secret SECRET for every login of a secret (not both)");
    }
    // `--secret --force` hands commander "--force" as the secret: say so instead of a 404.
    if (opts.secret?.startsWith("-")) {
      throw new UsageError(`--secret needs a secret id, got "${opts.secret}"`);
    }
    const body = opts.force ? { force: true } : undefined;
    const client = adminClient(opts);
    let leftRevoking: boolean;
    if (opts.secret !== undefined) {
      const counts = await client.post<SecretLeasesRevoked>(
        `/secrets/${seg(opts.secret)}/revoke-leases`,
        body,
      );
      if (opts.json) printJson(counts);
      else printLine(describeAll(counts));
      leftRevoking = counts.revoking > 0;
    } else {
      const revoked = await client.post<Lease>(`/leases/${seg(id!)}/revoke`, body);
      if (opts.json) printJson(revoked);
      else printLine(describe(revoked));
      leftRevoking = revoked.state === "revoking";
    }
    // A login not yet gone is what an incident script must notice: exit 6, as for a database
    // that cannot be reached (the server keeps retrying it).
    if (leftRevoking) throw new ExitSignal(EXIT.UNAVAILABLE);
  });
}

function describeAll(c: SecretLeasesRevoked): string {
  const parts = [`Revoked ${c.revoked} login${c.revoked === 1 ? "" : "s"} of ${c.id}.`];
  if (c.revoking > 0) {
    parts.push(
      `${c.revoking} could not be revoked yet (database unreachable) and are retried with backoff; ` +
        `if the database is gone for good: sikkerkey lease revoke --secret ${c.id} --force`,
    );
  }
  if (c.abandoned > 0) {
    parts.push(
      `${c.abandoned} abandoned: those logins may still exist in the database; drop them there by hand ` +
        `(sikkerkey lease list --secret ${c.id} --state abandoned names them).`,
    );
  }
  return parts.join("\n");
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
