import type { Command } from "commander";
import { adminClient, type OperatorOptions, seg, withOperatorOptions } from "../../operator.js";
import type { JsonOption } from "../../options.js";
import { printJson, printLine } from "../../output.js";

export function registerSecretDelete(secret: Command): void {
  withOperatorOptions(
    secret
      .command("delete")
      .description("move a secret to the trash; a leased secret's logins are revoked first")
      .argument("<id>", "secret id")
      .option("--json", "print the result as JSON"),
  ).action(async (id: string, opts: OperatorOptions & JsonOption) => {
    const result = await adminClient(opts).delete<{ id: string; revokedLeases: number }>(
      `/secrets/${seg(id)}`,
    );
    if (opts.json) return printJson(result);
    printLine(`Moved ${result.id} to the trash; ${result.revokedLeases} lease(s) revoked.`);
    printLine(`Restore it with: sikkerkey trash restore ${result.id}`);
  });
}
