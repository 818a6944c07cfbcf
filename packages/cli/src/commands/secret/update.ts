import { isFieldName, type Secret, type SecretUpdate } from "@sikkerkey/protocol";
import type { Command } from "commander";
import type { AdminClient } from "../../admin-client.js";
import { UsageError } from "../../errors.js";
import { collectFields } from "../../fields.js";
import { buildLeasedPatch, hasLeasedFlags, namingFlags } from "../../leased/build.js";
import { addLeasedOptions, type LeasedFlags } from "../../leased/options.js";
import { adminClient, type OperatorOptions, seg, withOperatorOptions } from "../../operator.js";
import { collect, type JsonOption } from "../../options.js";
import { printJson, printLine } from "../../output.js";
import { describeLeased } from "./describe.js";

interface Options extends OperatorOptions, JsonOption, LeasedFlags {
  field?: string[];
  fieldsFile?: string;
  removeField?: string[];
  replaceFields?: boolean;
}

export function registerSecretUpdate(secret: Command): void {
  const command = secret
    .command("update")
    .description(
      "change a secret: fields of a structured one (kept unless replaced or removed), or the connection, shape and policy of a leased one (only the flags given)",
    )
    .argument("<id>", "secret id")
    .option("--field <NAME=VALUE>", "set a field; NAME=@file, NAME=@- (repeatable)", collect)
    .option("--fields-file <file>", "set fields from a JSON object")
    .option("--remove-field <NAME>", "remove a field (repeatable)", collect)
    .option("--replace-fields", "the given fields become all the fields (others are dropped)");
  addLeasedOptions(command, { update: true }).option("--json", "print the secret as JSON");
  withOperatorOptions(command).action(async (id: string, opts: Options) => {
    const admin = adminClient(opts);
    const body = await updateBody(admin, id, opts);
    // The server checks the merged configuration; its refusal names the flags, not the API paths.
    const updated = await admin.patch<Secret>(`/secrets/${seg(id)}`, body).catch((error: unknown) => {
      throw body.leased ? namingFlags(error) : error;
    });
    if (opts.json) return printJson(updated);
    printLine(`Updated ${updated.id} (version ${updated.version}).`);
    if (updated.leased) printLine(describeLeased(updated.leased));
    else printLine(`  fields      ${updated.fieldNames.join(", ")}`);
  });
}

async function updateBody(admin: AdminClient, id: string, opts: Options): Promise<SecretUpdate> {
  const fieldFlags = Boolean(opts.field || opts.fieldsFile || opts.removeField || opts.replaceFields);
  const leasedFlags = hasLeasedFlags(opts);
  if (fieldFlags && leasedFlags) {
    throw new UsageError("field flags are for structured secrets and connection/lease flags for leased ones");
  }
  if (leasedFlags) return { leased: await buildLeasedPatch(opts) };
  if (!fieldFlags) {
    throw new UsageError("nothing to change: give --field, --fields-file, --remove-field or leased flags");
  }
  for (const name of opts.removeField ?? []) {
    if (!isFieldName(name)) throw new UsageError(`--remove-field: "${name}" is not a field name`);
  }
  const given = await collectFields(opts);
  if (opts.replaceFields) {
    if (opts.removeField) throw new UsageError("--replace-fields already drops every field not given");
    return { fields: given };
  }
  // The API replaces the whole field set, so keep the fields not named here: read, merge, write.
  const current = await admin.get<Secret>(`/secrets/${seg(id)}`, { reveal: "true" });
  if (current.kind !== "structured" || !current.fields) {
    throw new UsageError(`${id} is a leased secret: change it with the connection and lease flags`);
  }
  const fields = { ...current.fields, ...given };
  for (const name of opts.removeField ?? []) {
    if (!(name in fields)) throw new UsageError(`--remove-field: ${id} has no field ${name}`);
    delete fields[name];
  }
  return { fields };
}
