import type { MemberAdded } from "@sikkerkey/protocol";
import { type Command, Option } from "commander";
import { adminClient, type OperatorOptions, seg, withOperatorOptions } from "../../operator.js";
import type { JsonOption } from "../../options.js";
import { printJson, printLine } from "../../output.js";

interface Options extends OperatorOptions, JsonOption {
  email: string;
  role: string;
}

export function registerMemberAdd(member: Command): void {
  withOperatorOptions(
    member
      .command("add")
      .description("add an operator to a vault (owner or admin)")
      .argument("<vault>", "vault name or id")
      .requiredOption("--email <email>", "the operator's email")
      .addOption(
        new Option("--role <role>", "role in the vault")
          .choices(["owner", "admin", "member"])
          .makeOptionMandatory(),
      )
      .option("--json", "print the member as JSON"),
  ).action(async (vault: string, opts: Options) => {
    const added = await adminClient(opts).post<MemberAdded>(`/vaults/${seg(vault)}/members`, {
      email: opts.email,
      role: opts.role,
    });
    if (opts.json) return printJson(added);
    printLine(`Added ${added.email} to vault ${vault} as ${added.role}.`);
    if (!added.invitation) return;
    // Shown once, as `sikkerkey-server init` shows the owner's token: there is no other copy.
    printLine(
      `${added.email} has not signed in yet. Their invitation, shown only now (valid until ${added.invitation.expiresAt}; it ends any earlier one):`,
    );
    printLine(`  ${added.invitation.token}`);
    printLine(
      "Hand it over by a safe channel. They sign in at /login/token with it and set a dashboard password, which ends it.",
    );
  });
}
