import type { Machine } from "@sikkerkey/protocol";
import { type Command, Option } from "commander";
import { adminClient, type OperatorOptions, withOperatorOptions } from "../../operator.js";
import type { JsonOption } from "../../options.js";
import { printJson, printTable, time } from "../../output.js";

export function registerMachineList(machine: Command): void {
  withOperatorOptions(
    machine
      .command("list")
      .description("list machines")
      .option("--vault <vault>", "only this vault")
      .addOption(
        new Option("--status <status>", "only this status").choices(["pending", "enabled", "disabled"]),
      )
      .option("--json", "print JSON"),
  ).action(async (opts: OperatorOptions & JsonOption & { vault?: string; status?: string }) => {
    const machines = await adminClient(opts).list<Machine>("/machines", {
      vault: opts.vault,
      status: opts.status,
    });
    if (opts.json) return printJson(machines);
    printTable(
      machines,
      [
        ["NAME", (m) => m.name],
        ["ID", (m) => m.id],
        ["STATUS", (m) => m.status],
        ["VAULT", (m) => m.vaultId],
        ["LEASES", (m) => m.liveLeases],
        ["LAST SEEN", (m) => time(m.lastSeenAt)],
        ["PROJECTS", (m) => m.projects.map((p) => p.name).join(",")],
      ],
      "No machines.",
    );
  });
}
