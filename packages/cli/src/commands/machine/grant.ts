import type { Machine } from "@sikkerkey/protocol";
import type { Command } from "commander";
import { adminClient, type OperatorOptions, seg, withOperatorOptions } from "../../operator.js";
import type { JsonOption } from "../../options.js";
import { printJson, printLine } from "../../output.js";

interface Options extends OperatorOptions, JsonOption {
  vault?: string;
  project: string;
}

export function registerMachineGrant(machine: Command): void {
  withOperatorOptions(
    machine
      .command("grant")
      .description("let a machine read the secrets of a project")
      .argument("<machine>", "machine name or id")
      .requiredOption("--project <project>", "project name or id")
      .option("--vault <vault>", "the machine's vault")
      .option("--json", "print the machine as JSON"),
  ).action(async (name: string, opts: Options) => {
    const result = await adminClient(opts).post<Machine>(
      `/machines/${seg(name)}/grants`,
      { project: opts.project },
      { vault: opts.vault },
    );
    if (opts.json) return printJson(result);
    printLine(`${result.name} can now read project ${opts.project}.`);
  });
}
