import type { ApiToken } from "@sikkerkey/protocol";
import type { Command } from "commander";
import { adminClient, type OperatorOptions, withOperatorOptions } from "../../operator.js";
import { durationArg, type JsonOption } from "../../options.js";
import { printJson, printLine, time } from "../../output.js";

export function registerApiTokenCreate(token: Command): void {
  withOperatorOptions(
    token
      .command("create")
      .description("create an operator API token; it is shown once")
      .requiredOption("--name <name>", "what the token is for, e.g. ci")
      .option("--expires <duration>", "expire after this long (e.g. 30d); default never", durationArg)
      .option("--json", "print the token as JSON"),
  ).action(async (opts: OperatorOptions & JsonOption & { name: string; expires?: number }) => {
    const created = await adminClient(opts).post<ApiToken & { token: string }>("/tokens", {
      name: opts.name,
      ...(opts.expires !== undefined && { expiresInSeconds: opts.expires }),
    });
    if (opts.json) return printJson(created);
    printLine(created.token);
    process.stderr.write(
      `API token ${created.id} (${created.name})${created.expiresAt ? `, expires ${time(created.expiresAt)}` : ""}. It is not shown again.\n`,
    );
  });
}
