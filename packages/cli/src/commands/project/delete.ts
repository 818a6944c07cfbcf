import type { Command } from "commander";
import { adminClient, type OperatorOptions, seg, withOperatorOptions } from "../../operator.js";
import type { JsonOption } from "../../options.js";
import { printJson, printLine } from "../../output.js";

export function registerProjectDelete(project: Command): void {
  withOperatorOptions(
    project
      .command("delete")
      .description("delete a project: its secrets go to the trash, their logins are revoked")
      .argument("<project>", "project name or id")
      .requiredOption("--vault <vault>", "vault name or id")
      .option("--json", "print the result as JSON"),
  ).action(async (name: string, opts: OperatorOptions & JsonOption & { vault: string }) => {
    const result = await adminClient(opts).delete<{ id: string; revokedLeases: number }>(
      `/vaults/${seg(opts.vault)}/projects/${seg(name)}`,
    );
    if (opts.json) return printJson(result);
    printLine(`Deleted project ${name} (${result.id}); ${result.revokedLeases} lease(s) revoked.`);
  });
}
