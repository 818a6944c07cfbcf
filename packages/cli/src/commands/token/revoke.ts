import type { ApiToken } from "@sikkerkey/protocol";
import type { Command } from "commander";
import { adminClient, type OperatorOptions, seg, withOperatorOptions } from "../../operator.js";
import type { JsonOption } from "../../options.js";
import { printJson, printLine } from "../../output.js";

export function registerApiTokenRevoke(token: Command): void {
  withOperatorOptions(
    token
      .command("revoke")
      .description("revoke an operator API token")
      .argument("<id>", "token id (tok_…)")
      .option("--json", "print the token as JSON"),
  ).action(async (id: string, opts: OperatorOptions & JsonOption) => {
    const revoked = await adminClient(opts).delete<ApiToken>(`/tokens/${seg(id)}`);
    if (opts.json) return printJson(revoked);
    printLine(`Revoked API token ${revoked.id} (${revoked.name}).`);
  });
}
