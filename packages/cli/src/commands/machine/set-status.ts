import type { Machine } from "@sikkerkey/protocol";
import type { Command } from "commander";
import { adminClient, type OperatorOptions, seg, withOperatorOptions } from "../../operator.js";
import type { JsonOption } from "../../options.js";
import { printJson, printLine } from "../../output.js";

type Action = "approve" | "disable" | "enable";

const DESCRIPTIONS: Record<Action, string> = {
  approve: "approve a pending machine so it can read secrets",
  disable: "disable a machine: its reads are refused and (by policy) its logins revoked at once",
  enable: "enable a disabled machine again",
};

const DONE: Record<Action, string> = { approve: "Approved", disable: "Disabled", enable: "Enabled" };

/** approve, disable and enable differ only in their verb, so one file registers all three. */
export function registerMachineStatus(machine: Command, action: Action): void {
  withOperatorOptions(
    machine
      .command(action)
      .description(DESCRIPTIONS[action])
      .argument("<machine>", "machine name or id")
      .option("--vault <vault>", "the machine's vault, when the name is used in several")
      .option("--json", "print the machine as JSON"),
  ).action(async (name: string, opts: OperatorOptions & JsonOption & { vault?: string }) => {
    const result = await adminClient(opts).post<Machine & { revokedLeases?: number }>(
      `/machines/${seg(name)}/${action}`,
      undefined,
      { vault: opts.vault },
    );
    if (opts.json) return printJson(result);
    const revoked = result.revokedLeases ? `; ${result.revokedLeases} lease(s) revoked` : "";
    printLine(`${DONE[action]} ${result.name} (${result.id}): now ${result.status}${revoked}.`);
  });
}
