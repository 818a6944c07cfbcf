import type { Project } from "@sikkerkey/protocol";
import type { Command } from "commander";
import { adminClient, type OperatorOptions, seg, withOperatorOptions } from "../../operator.js";
import type { JsonOption } from "../../options.js";
import { printJson, printLine } from "../../output.js";

export function registerProjectCreate(project: Command): void {
  withOperatorOptions(
    project
      .command("create")
      .description("create a project in a vault")
      .argument("<name>", "project name: lowercase letters, digits and '-'")
      .requiredOption("--vault <vault>", "vault name or id")
      .option("--json", "print the project as JSON"),
  ).action(async (name: string, opts: OperatorOptions & JsonOption & { vault: string }) => {
    const created = await adminClient(opts).post<Project>(`/vaults/${seg(opts.vault)}/projects`, { name });
    if (opts.json) return printJson(created);
    printLine(`Created project ${created.name} (${created.id}) in vault ${opts.vault}.`);
  });
}
