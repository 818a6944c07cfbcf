import type { EnrollmentToken } from "@sikkerkey/protocol";
import type { Command } from "commander";
import { adminClient, type OperatorOptions, seg, withOperatorOptions } from "../../operator.js";
import type { JsonOption } from "../../options.js";
import { printJson, printLine } from "../../output.js";

export function registerTokenRevoke(token: Command): void {
  withOperatorOptions(
    token
      .command("revoke")
      .description("revoke an enrollment token so no more machines enroll with it")
      .argument("<id>", "enrollment token id (enr_…)")
      .option("--json", "print the token as JSON"),
  ).action(async (id: string, opts: OperatorOptions & JsonOption) => {
    const revoked = await adminClient(opts).delete<EnrollmentToken>(`/enrollment-tokens/${seg(id)}`);
    if (opts.json) return printJson(revoked);
    printLine(`Revoked enrollment token ${revoked.id}.`);
  });
}
