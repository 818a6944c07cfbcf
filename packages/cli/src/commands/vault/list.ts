import type { Vault } from "@sikkerkey/protocol";
import type { Command } from "commander";
import { adminClient, type OperatorOptions, withOperatorOptions } from "../../operator.js";
import type { JsonOption } from "../../options.js";
import { printJson, printTable, time } from "../../output.js";

export function registerVaultList(vault: Command): void {
  withOperatorOptions(
    vault.command("list").description("list the vaults you belong to").option("--json", "print JSON"),
  ).action(async (opts: OperatorOptions & JsonOption) => {
    const vaults = await adminClient(opts).list<Vault>("/vaults");
    if (opts.json) return printJson(vaults);
    printTable(
      vaults,
      [
        ["NAME", (v) => v.name],
        ["ID", (v) => v.id],
        ["ROLE", (v) => v.role],
        ["CREATED", (v) => time(v.createdAt)],
      ],
      "No vaults.",
    );
  });
}
