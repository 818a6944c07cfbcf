import type { ApiToken } from "@sikkerkey/protocol";
import type { Command } from "commander";
import { adminClient, type OperatorOptions, withOperatorOptions } from "../../operator.js";
import type { JsonOption } from "../../options.js";
import { printJson, printTable, time } from "../../output.js";

export function registerApiTokenList(token: Command): void {
  withOperatorOptions(
    token.command("list").description("your operator API tokens").option("--json", "print JSON"),
  ).action(async (opts: OperatorOptions & JsonOption) => {
    const tokens = await adminClient(opts).list<ApiToken>("/tokens");
    if (opts.json) return printJson(tokens);
    printTable(
      tokens,
      [
        ["ID", (t) => t.id],
        ["NAME", (t) => t.name],
        ["CREATED", (t) => time(t.createdAt)],
        ["LAST USED", (t) => time(t.lastUsedAt)],
        ["EXPIRES", (t) => time(t.expiresAt)],
        ["REVOKED", (t) => time(t.revokedAt)],
      ],
      "No API tokens.",
    );
  });
}
