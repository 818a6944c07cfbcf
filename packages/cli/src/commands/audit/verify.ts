import type { AuditVerify } from "@sikkerkey/protocol";
import type { Command } from "commander";
import { ExitSignal } from "../../errors.js";
import { EXIT } from "../../exit-codes.js";
import { adminClient, type OperatorOptions, withOperatorOptions } from "../../operator.js";
import type { JsonOption } from "../../options.js";
import { printJson, printLine } from "../../output.js";

export function registerAuditVerify(audit: Command): void {
  withOperatorOptions(
    audit
      .command("verify")
      .description("check the audit log's hash chain (exit 0 only when it is intact)")
      .option("--json", "print the result as JSON"),
  ).action(async (opts: OperatorOptions & JsonOption) => {
    const result = await adminClient(opts).get<AuditVerify>("/audit/verify");
    if (opts.json) printJson(result);
    else if (result.ok) {
      const pending = result.unlinked > 0 ? ` (${result.unlinked} newer event(s) not linked yet)` : "";
      printLine(`✓ audit chain intact: ${result.checked} event(s) checked${pending}.`);
    } else {
      const where = result.firstBroken
        ? ` at event ${result.firstBroken.seq}: ${result.firstBroken.reason}`
        : "";
      printLine(`✗ audit chain broken${where} (${result.checked} event(s) checked).`);
    }
    if (!result.ok) throw new ExitSignal(EXIT.CHECK_FAILED);
  });
}
