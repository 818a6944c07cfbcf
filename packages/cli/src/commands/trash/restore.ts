import type { Secret } from "@sikkerkey/protocol";
import type { Command } from "commander";
import { adminClient, type OperatorOptions, seg, withOperatorOptions } from "../../operator.js";
import type { JsonOption } from "../../options.js";
import { printJson, printLine } from "../../output.js";

export function registerTrashRestore(trash: Command): void {
  withOperatorOptions(
    trash
      .command("restore")
      .description("bring a secret back from the trash")
      .argument("<id>", "secret id")
      .option("--json", "print the secret as JSON"),
  ).action(async (id: string, opts: OperatorOptions & JsonOption) => {
    const restored = await adminClient(opts).post<Secret>(`/trash/${seg(id)}/restore`);
    if (opts.json) return printJson(restored);
    printLine(`Restored ${restored.id}.`);
  });
}
