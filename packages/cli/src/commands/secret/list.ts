import type { Secret } from "@sikkerkey/protocol";
import { type Command, Option } from "commander";
import { adminClient, type OperatorOptions, withOperatorOptions } from "../../operator.js";
import type { JsonOption } from "../../options.js";
import { printJson, printTable, time } from "../../output.js";

interface Options extends OperatorOptions, JsonOption {
  vault?: string;
  project?: string;
  kind?: string;
}

export function registerSecretList(secret: Command): void {
  withOperatorOptions(
    secret
      .command("list")
      .description("list secrets (names of fields only, never values)")
      .option("--vault <vault>", "only this vault")
      .option("--project <project>", "only this project")
      .addOption(new Option("--kind <kind>", "only this kind").choices(["structured", "leased"]))
      .option("--json", "print JSON"),
  ).action(async (opts: Options) => {
    const secrets = await adminClient(opts).list<Secret>("/secrets", {
      vault: opts.vault,
      project: opts.project,
      kind: opts.kind,
    });
    if (opts.json) return printJson(secrets);
    printTable(
      secrets,
      [
        ["ID", (s) => s.id],
        ["KIND", (s) => s.kind],
        ["PROJECT", (s) => s.projectName ?? s.projectId],
        ["VERSION", (s) => s.version],
        ["LIVE LEASES", (s) => (s.kind === "leased" ? (s.liveLeases ?? "-") : "")],
        ["UPDATED", (s) => time(s.updatedAt)],
        [
          "FIELDS / TARGET",
          (s) =>
            s.kind === "leased" && s.leased
              ? `${s.leased.connection.host}:${s.leased.connection.port}/${s.leased.connection.database}`
              : s.fieldNames.join(","),
        ],
      ],
      "No secrets.",
    );
  });
}
