import { AUDIT_ACTIONS, type AuditEvent } from "@sikkerkey/protocol";
import { type Command, Option } from "commander";
import { adminClient, type OperatorOptions, withOperatorOptions } from "../../operator.js";
import { intArg, type JsonOption } from "../../options.js";
import { printJson, printTable, time } from "../../output.js";

interface Options extends OperatorOptions, JsonOption {
  machine?: string;
  secret?: string;
  action?: string;
  lease?: string;
  login?: string;
  since?: string;
  until?: string;
  limit: number;
}

const PAGE = 1000;

export function registerAuditList(audit: Command): void {
  withOperatorOptions(
    audit
      .command("list")
      .description("audit events, newest first")
      .option("--machine <machine>", "only this machine (name or id)")
      .option("--secret <secret>", "only this secret")
      .addOption(new Option("--action <action>", "only this action").choices([...AUDIT_ACTIONS]))
      .option("--lease <lease>", "only this lease")
      .option("--login <login>", "only this database login")
      .option("--since <time>", "only events at or after this ISO 8601 time")
      .option("--until <time>", "only events before this ISO 8601 time")
      .option("--limit <n>", "at most this many events", intArg(1, 100_000), 100)
      .option("--json", "print JSON"),
  ).action(async (opts: Options) => {
    const query = {
      machine: opts.machine,
      secret: opts.secret,
      action: opts.action,
      lease: opts.lease,
      login: opts.login,
      since: opts.since,
      until: opts.until,
      limit: Math.min(opts.limit, PAGE),
    };
    const events = await adminClient(opts).list<AuditEvent>("/audit", query, opts.limit);
    if (opts.json) return printJson(events);
    printTable(
      events,
      [
        ["SEQ", (e) => e.seq],
        ["TIME", (e) => time(e.at)],
        ["ACTION", (e) => e.action],
        ["OUTCOME", (e) => e.outcome],
        ["ACTOR", (e) => (e.actor.id ? `${e.actor.type}:${e.actor.id}` : e.actor.type)],
        ["MACHINE", (e) => e.machineId],
        ["SECRET", (e) => e.secretId],
        ["LOGIN", (e) => e.login],
        ["REASON", (e) => e.reason],
      ],
      "No audit events.",
    );
  });
}
