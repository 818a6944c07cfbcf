import type { Command } from "commander";
import { adminClient, type OperatorOptions, seg, withOperatorOptions } from "../../operator.js";
import type { JsonOption } from "../../options.js";
import { printJson, printLine } from "../../output.js";

export function registerVaultDelete(vault: Command): void {
  withOperatorOptions(
    vault
      .command("delete")
      .description("delete a vault (owner only): its secrets go to the trash, their logins are revoked")
      .argument("<vault>", "vault name or id")
      .option("--json", "print the result as JSON"),
  ).action(async (name: string, opts: OperatorOptions & JsonOption) => {
    const result = await adminClient(opts).delete<{ id: string; revokedLeases: number }>(
      `/vaults/${seg(name)}`,
    );
    if (opts.json) return printJson(result);
    printLine(`Deleted vault ${name} (${result.id}); ${result.revokedLeases} lease(s) revoked.`);
  });
}
