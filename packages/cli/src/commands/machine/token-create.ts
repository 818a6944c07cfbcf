import type { EnrollmentToken } from "@sikkerkey/protocol";
import type { Command } from "commander";
import { adminClient, type OperatorOptions, withOperatorOptions } from "../../operator.js";
import { collect, durationArg, intArg, type JsonOption } from "../../options.js";
import { printJson, printLine, time } from "../../output.js";

interface Options extends OperatorOptions, JsonOption {
  vault: string;
  ttl?: number;
  uses?: number;
  autoApprove?: boolean;
  project?: string[];
}

export function registerTokenCreate(token: Command): void {
  withOperatorOptions(
    token
      .command("create")
      .description("create an enrollment token; it is shown once")
      .requiredOption("--vault <vault>", "vault the machines join")
      .option("--ttl <duration>", "how long the token is valid (default 1d)", durationArg)
      .option("--uses <n>", "how many machines may enroll with it (default 1)", intArg(1, 10_000))
      .option("--auto-approve", "machines are enabled at once instead of pending")
      .option("--project <project>", "grant machines this project on enrollment (repeatable)", collect)
      .option("--json", "print the token as JSON"),
  ).action(async (opts: Options) => {
    const admin = adminClient(opts);
    const created = await admin.post<EnrollmentToken & { token: string }>("/enrollment-tokens", {
      vault: opts.vault,
      ...(opts.ttl !== undefined && { ttlSeconds: opts.ttl }),
      ...(opts.uses !== undefined && { uses: opts.uses }),
      ...(opts.autoApprove !== undefined && { autoApprove: opts.autoApprove }),
      ...(opts.project !== undefined && { projects: opts.project }),
    });
    if (opts.json) return printJson(created);
    printLine(created.token);
    process.stderr.write(
      `Enrollment token ${created.id}: ${created.usesLeft} use(s), expires ${time(created.expiresAt)}` +
        `${created.autoApprove ? ", auto-approved" : ", machines wait for approval"}. It is not shown again.\n` +
        `On the machine: sikkerkey enroll --server ${admin.server} --token <token> --name <name>\n`,
    );
  });
}
