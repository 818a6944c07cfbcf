import type { Vault } from "@sikkerkey/protocol";
import type { Command } from "commander";
import { adminClient, type OperatorOptions, withOperatorOptions } from "../../operator.js";
import type { JsonOption } from "../../options.js";
import { printJson, printLine } from "../../output.js";

export function registerVaultCreate(vault: Command): void {
  withOperatorOptions(
    vault
      .command("create")
      .description("create a vault; you become its owner")
      .argument("<name>", "vault name: lowercase letters, digits and '-'")
      .option("--json", "print the vault as JSON"),
  ).action(async (name: string, opts: OperatorOptions & JsonOption) => {
    const created = await adminClient(opts).post<Vault>("/vaults", { name });
    if (opts.json) return printJson(created);
    printLine(`Created vault ${created.name} (${created.id}).`);
  });
}
