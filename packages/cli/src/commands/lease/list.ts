import type { Lease } from "@sikkerkey/protocol";
import { type Command, Option } from "commander";
import { adminClient, type OperatorOptions, withOperatorOptions } from "../../operator.js";
import type { JsonOption } from "../../options.js";
import { type Column, printJson, printTable, time } from "../../output.js";

interface Options extends OperatorOptions, JsonOption {
  secret?: string;
  machine?: string;
  state?: string;
}

export function registerLeaseList(lease: Command): void {
  withOperatorOptions(
    lease
      .command("list")
      .description("list leases of database logins: which machine holds which login, until when")
      .option("--secret <secret>", "only this leased secret")
      .option("--machine <machine>", "only this machine (name or id)")
      .addOption(
        new Option("--state <state>", "only this state").choices([
          "minting",
          "active",
          "revoking",
          "revoked",
          "failed",
          "abandoned",
        ]),
      )
      .option("--json", "print JSON"),
  ).action(async (opts: Options) => {
    const leases = await adminClient(opts).list<Lease>("/leases", {
      secret: opts.secret,
      machine: opts.machine,
      state: opts.state,
    });
    if (opts.json) return printJson(leases);
    const columns: Column<Lease>[] = [
      ["ID", (l) => l.id],
      ["SECRET", (l) => l.secretId],
      ["MACHINE", (l) => l.machineName ?? l.machineId],
      ["LOGIN", (l) => l.login],
      ["STATE", (l) => (l.revokeReason ? `${l.state} (${l.revokeReason})` : l.state)],
      ["EXPIRES", (l) => time(l.expiresAt)],
      ["RENEWALS", (l) => l.renewals],
    ];
    // Why a revocation is stuck (or was abandoned) is what an operator lists these for.
    if (leases.some((l) => l.lastError)) columns.push(["LAST ERROR", (l) => l.lastError]);
    printTable(leases, columns, "No leases.");
  });
}
