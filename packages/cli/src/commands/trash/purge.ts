import type { Command } from "commander";
import { adminClient, type OperatorOptions, seg, withOperatorOptions } from "../../operator.js";
import type { JsonOption } from "../../options.js";
import { printJson, printLine } from "../../output.js";

export function registerTrashPurge(trash: Command): void {
  withOperatorOptions(
    trash
      .command("purge")
      .description("delete a secret in the trash for good")
      .argument("<id>", "secret id")
      .option("--json", "print the result as JSON"),
  ).action(async (id: string, opts: OperatorOptions & JsonOption) => {
    await adminClient(opts).delete<undefined>(`/trash/${seg(id)}`);
    if (opts.json) return printJson({ id, purged: true });
    printLine(`Purged ${id}; it cannot be restored.`);
  });
}
