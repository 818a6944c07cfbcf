import type { Machine } from "@sikkerkey/protocol";
import type { Command } from "commander";
import { adminClient, type OperatorOptions, seg, withOperatorOptions } from "../../operator.js";
import type { JsonOption } from "../../options.js";
import { printJson, printLine } from "../../output.js";

interface Options extends OperatorOptions, JsonOption {
  vault?: string;
  project: string;
}

export function registerMachineUngrant(machine: Command): void {
  withOperatorOptions(
    machine
      .command("ungrant")
      .description("take a project's secrets away from a machine")
      .argument("<machine>", "machine name or id")
      .requiredOption("--project <project>", "project name or id")
      .option("--vault <vault>", "the machine's vault")
      .option("--json", "print the machine as JSON"),
  ).action(async (name: string, opts: Options) => {
    const result = await adminClient(opts).delete<Machine & { revokedLeases?: number }>(
      `/machines/${seg(name)}/grants/${seg(opts.project)}`,
      {
        vault: opts.vault,
      },
    );
    if (opts.json) return printJson(result);
    const revoked = result.revokedLeases ? ` ${result.revokedLeases} login(s) revoked.` : "";
    printLine(`${result.name} can no longer read project ${opts.project}.${revoked}`);
  });
}
