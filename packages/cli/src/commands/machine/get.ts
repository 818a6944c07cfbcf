import type { Machine } from "@sikkerkey/protocol";
import type { Command } from "commander";
import { adminClient, type OperatorOptions, seg, withOperatorOptions } from "../../operator.js";
import type { JsonOption } from "../../options.js";
import { printJson } from "../../output.js";
import { printMachine } from "./print.js";

export function registerMachineGet(machine: Command): void {
  withOperatorOptions(
    machine
      .command("get")
      .description("show one machine")
      .argument("<machine>", "machine name or id")
      .option("--vault <vault>", "the machine's vault, when the name is used in several")
      .option("--json", "print JSON"),
  ).action(async (name: string, opts: OperatorOptions & JsonOption & { vault?: string }) => {
    const found = await adminClient(opts).get<Machine>(`/machines/${seg(name)}`, { vault: opts.vault });
    if (opts.json) return printJson(found);
    printMachine(found);
  });
}
