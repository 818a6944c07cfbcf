import type { TrashItem } from "@sikkerkey/protocol";
import type { Command } from "commander";
import { adminClient, type OperatorOptions, withOperatorOptions } from "../../operator.js";
import type { JsonOption } from "../../options.js";
import { printJson, printTable, time } from "../../output.js";

export function registerTrashList(trash: Command): void {
  withOperatorOptions(
    trash
      .command("list")
      .description("deleted secrets that can still be restored")
      .option("--vault <vault>", "only this vault")
      .option("--json", "print JSON"),
  ).action(async (opts: OperatorOptions & JsonOption & { vault?: string }) => {
    const items = await adminClient(opts).list<TrashItem>("/trash", { vault: opts.vault });
    if (opts.json) return printJson(items);
    printTable(
      items,
      [
        ["ID", (t) => t.id],
        ["KIND", (t) => t.kind],
        ["VAULT", (t) => t.vaultId],
        ["PROJECT", (t) => t.projectId],
        ["DELETED", (t) => time(t.deletedAt)],
      ],
      "The trash is empty.",
    );
  });
}
