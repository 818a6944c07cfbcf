import type { Member } from "@sikkerkey/protocol";
import type { Command } from "commander";
import { adminClient, type OperatorOptions, seg, withOperatorOptions } from "../../operator.js";
import type { JsonOption } from "../../options.js";
import { printJson, printTable } from "../../output.js";

export function registerMemberList(member: Command): void {
  withOperatorOptions(
    member
      .command("list")
      .description("list a vault's members")
      .argument("<vault>", "vault name or id")
      .option("--json", "print JSON"),
  ).action(async (vault: string, opts: OperatorOptions & JsonOption) => {
    const members = await adminClient(opts).list<Member>(`/vaults/${seg(vault)}/members`);
    if (opts.json) return printJson(members);
    printTable(
      members,
      [
        ["EMAIL", (m) => m.email],
        ["ROLE", (m) => m.role],
        ["OPERATOR", (m) => m.operatorId],
      ],
      "No members.",
    );
  });
}
