import type { Project } from "@sikkerkey/protocol";
import type { Command } from "commander";
import { adminClient, type OperatorOptions, seg, withOperatorOptions } from "../../operator.js";
import type { JsonOption } from "../../options.js";
import { printJson, printTable, time } from "../../output.js";

export function registerProjectList(project: Command): void {
  withOperatorOptions(
    project
      .command("list")
      .description("list the projects of a vault")
      .requiredOption("--vault <vault>", "vault name or id")
      .option("--json", "print JSON"),
  ).action(async (opts: OperatorOptions & JsonOption & { vault: string }) => {
    const projects = await adminClient(opts).list<Project>(`/vaults/${seg(opts.vault)}/projects`);
    if (opts.json) return printJson(projects);
    printTable(
      projects,
      [
        ["NAME", (p) => p.name],
        ["ID", (p) => p.id],
        ["CREATED", (p) => time(p.createdAt)],
      ],
      "No projects.",
    );
  });
}
