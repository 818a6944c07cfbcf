import type { EnrollmentToken } from "@sikkerkey/protocol";
import type { Command } from "commander";
import { adminClient, type OperatorOptions, withOperatorOptions } from "../../operator.js";
import type { JsonOption } from "../../options.js";
import { printJson, printTable, time } from "../../output.js";

export function registerTokenList(token: Command): void {
  withOperatorOptions(
    token
      .command("list")
      .description("list enrollment tokens (never the tokens themselves)")
      .option("--vault <vault>", "only this vault")
      .option("--json", "print JSON"),
  ).action(async (opts: OperatorOptions & JsonOption & { vault?: string }) => {
    const tokens = await adminClient(opts).list<EnrollmentToken>("/enrollment-tokens", { vault: opts.vault });
    if (opts.json) return printJson(tokens);
    printTable(
      tokens,
      [
        ["ID", (t) => t.id],
        ["VAULT", (t) => t.vaultId],
        ["USES LEFT", (t) => t.usesLeft],
        ["AUTO-APPROVE", (t) => (t.autoApprove ? "yes" : "no")],
        ["EXPIRES", (t) => time(t.expiresAt)],
        ["REVOKED", (t) => time(t.revokedAt)],
      ],
      "No enrollment tokens.",
    );
  });
}
