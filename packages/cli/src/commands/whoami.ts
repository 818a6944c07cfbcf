import type { Command } from "commander";
import { whoami } from "../machine-client.js";
import type { JsonOption } from "../options.js";
import { printJson, printLine } from "../output.js";

export function registerWhoami(program: Command): void {
  program
    .command("whoami")
    .summary("show this machine as the server knows it")
    .description("show this machine as the server knows it (works while pending approval)")
    .option("--json", "print JSON")
    .action(async (opts: JsonOption) => {
      const me = await whoami();
      if (opts.json) return printJson(me);
      printLine(`${me.name} (${me.machineId}): ${me.status}`);
      printLine(`  vault       ${me.vaultName} (${me.vaultId})`);
      printLine(`  projects    ${me.projects.map((p) => p.name).join(", ") || "-"}`);
      if (me.status === "pending") {
        printLine(`Waiting for an operator: sikkerkey machine approve ${me.name}`);
      }
    });
}
