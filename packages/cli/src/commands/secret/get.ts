import type { Secret } from "@sikkerkey/protocol";
import type { Command } from "commander";
import { adminClient, type OperatorOptions, seg, withOperatorOptions } from "../../operator.js";
import type { JsonOption } from "../../options.js";
import { printJson } from "../../output.js";
import { printSecret } from "./describe.js";

export function registerSecretGet(secret: Command): void {
  withOperatorOptions(
    secret
      .command("get")
      .description(
        "show a secret's configuration; --reveal also shows a structured secret's values (audited)",
      )
      .argument("<id>", "secret id")
      .option("--reveal", "include field values")
      .option("--json", "print JSON"),
  ).action(async (id: string, opts: OperatorOptions & JsonOption & { reveal?: boolean }) => {
    const found = await adminClient(opts).get<Secret>(
      `/secrets/${seg(id)}`,
      opts.reveal ? { reveal: "true" } : undefined,
    );
    if (opts.json) return printJson(found);
    printSecret(found);
  });
}
