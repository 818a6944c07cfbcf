import { isFieldName } from "@sikkerkey/protocol";
import { UsageError } from "./errors.js";
import { readStdin, readTextFile } from "./input.js";

export interface FieldSources {
  field?: string[];
  fieldsFile?: string;
}

/**
 * Fields of a structured secret from `--fields-file F.json` and then `--field K=V` (which wins),
 * where `K=@path` reads a file and `K=@-` standard input. Values never appear in a message.
 */
export async function collectFields(sources: FieldSources): Promise<Record<string, string>> {
  const fields: Record<string, string> = sources.fieldsFile ? await readFieldsFile(sources.fieldsFile) : {};
  const seen = new Set<string>();
  for (const arg of sources.field ?? []) {
    const eq = arg.indexOf("=");
    if (eq <= 0) throw new UsageError("--field expects NAME=VALUE (or NAME=@file, NAME=@- for stdin)");
    const name = arg.slice(0, eq);
    checkName(name, "--field");
    if (seen.has(name)) throw new UsageError(`--field ${name} is given more than once`);
    seen.add(name);
    fields[name] = await fieldValue(name, arg.slice(eq + 1));
  }
  return fields;
}

async function fieldValue(name: string, raw: string): Promise<string> {
  if (!raw.startsWith("@")) return raw;
  const source = raw.slice(1);
  if (source === "-") return readStdin(`--field ${name}=@-`);
  // Files are taken verbatim (a certificate keeps its final newline), like curl's @file.
  return readTextFile(source, `--field ${name}=@${source}`);
}

async function readFieldsFile(path: string): Promise<Record<string, string>> {
  const text = await readTextFile(path, "--fields-file");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UsageError(`--fields-file ${path} is not valid JSON`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new UsageError(`--fields-file ${path} must hold a JSON object of NAME: "value"`);
  }
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed)) {
    checkName(name, "--fields-file");
    if (typeof value === "string") fields[name] = value;
    else if (typeof value === "number" || typeof value === "boolean") fields[name] = String(value);
    else throw new UsageError(`--fields-file: field ${name} must be a string`);
  }
  return fields;
}

function checkName(name: string, flag: string): void {
  if (!isFieldName(name)) {
    const shown = name.length <= 64 ? `"${name}"` : "a name";
    throw new UsageError(
      `${flag}: ${shown} is not a field name (letters, digits and '_', not starting with a digit)`,
    );
  }
}
