import { isSecretId, type Secret, type SecretCreate } from "@sikkerkey/protocol";
import { type Command, Option } from "commander";
import { UsageError } from "../../errors.js";
import { collectFields } from "../../fields.js";
import { buildLeasedConfig, hasLeasedFlags, namingFlags } from "../../leased/build.js";
import { addLeasedOptions, type LeasedFlags } from "../../leased/options.js";
import { adminClient, type OperatorOptions, withOperatorOptions } from "../../operator.js";
import { collect, type JsonOption } from "../../options.js";
import { printJson, printLine } from "../../output.js";
import { describeLeased } from "./describe.js";

interface Options extends OperatorOptions, JsonOption, LeasedFlags {
  vault: string;
  project: string;
  type: "structured" | "leased";
  field?: string[];
  fieldsFile?: string;
}

export function registerSecretCreate(secret: Command): void {
  const command = secret
    .command("create")
    .description("create a structured secret (named fields) or a leased one (--type leased)")
    .argument("<id>", "secret id, e.g. sk_api_keys: lowercase letters, digits, '_' and '-'")
    .requiredOption("--vault <vault>", "vault name or id")
    .requiredOption("--project <project>", "project name or id")
    .addOption(
      new Option("--type <type>", "kind of secret").choices(["structured", "leased"]).default("structured"),
    )
    .option("--field <NAME=VALUE>", "a field; NAME=@file reads a file, NAME=@- stdin (repeatable)", collect)
    .option("--fields-file <file>", "fields from a JSON object of NAME: value");
  addLeasedOptions(command).option("--json", "print the secret as JSON");
  withOperatorOptions(command).action(async (id: string, opts: Options) => {
    checkSecretId(id);
    const body = await createBody(id, opts);
    const created = await adminClient(opts)
      .post<Secret>("/secrets", body)
      .catch((error: unknown) => {
        throw body.kind === "leased" ? namingFlags(error) : error;
      });
    if (opts.json) return printJson(created);
    if (created.kind === "leased") {
      printLine(`Created leased secret ${created.id} in ${opts.vault}/${opts.project}.`);
      if (created.leased) printLine(describeLeased(created.leased));
      printLine(`Check what the admin role can do: sikkerkey secret test-connection ${created.id}`);
    } else {
      printLine(
        `Created secret ${created.id} in ${opts.vault}/${opts.project} with fields ${created.fieldNames.join(", ")}.`,
      );
    }
  });
}

async function createBody(id: string, opts: Options): Promise<SecretCreate> {
  const base = { id, vault: opts.vault, project: opts.project };
  if (opts.type === "leased") {
    if (opts.field || opts.fieldsFile) {
      throw new UsageError("--field and --fields-file are for structured secrets, not --type leased");
    }
    return { ...base, kind: "leased", leased: await buildLeasedConfig(opts) };
  }
  if (hasLeasedFlags(opts)) {
    throw new UsageError("connection and lease flags (--host, --lifetime, …) need --type leased");
  }
  const fields = await collectFields(opts);
  if (Object.keys(fields).length === 0) {
    throw new UsageError("a structured secret needs at least one --field NAME=VALUE or a --fields-file");
  }
  return { ...base, kind: "structured", fields };
}

export function checkSecretId(id: string): void {
  if (!isSecretId(id)) {
    throw new UsageError(
      `"${id}" is not a secret id: 2-64 chars, lowercase letters, digits, '_' or '-', starting with a letter`,
    );
  }
}
