import { type Command, Option } from "commander";
import { CliError } from "../errors.js";
import { EXIT } from "../exit-codes.js";
import { readSecret } from "../machine-client.js";
import { printJson } from "../output.js";
import { formatDotenv, formatEnv, secretEnv } from "../secret-env.js";

interface Options {
  field?: string;
  format: "json" | "env" | "dotenv";
}

export function registerGet(program: Command): void {
  program
    .command("get")
    .summary("read a secret as this machine (JSON, one field, or env lines)")
    .description(
      "read a secret as this machine: its fields as one line of JSON (a leased secret mints or reuses this machine's login)",
    )
    .argument("<id>", "secret id, e.g. sk_api_keys")
    .addOption(new Option("--field <name>", "print only this field's raw value").conflicts("format"))
    .addOption(
      new Option(
        "--format <format>",
        "json; env (export NAME='value' lines, PG* for a database login); dotenv (.env lines)",
      )
        .choices(["json", "env", "dotenv"])
        .default("json"),
    )
    .action(async (id: string, opts: Options) => {
      const secret = await readSecret(id);
      if (opts.field !== undefined) {
        const value = secret.fields[opts.field];
        if (value === undefined) {
          const names = Object.keys(secret.fields).join(", ");
          throw new CliError(`${id} has no field ${opts.field} (its fields: ${names})`, EXIT.NOT_FOUND);
        }
        process.stdout.write(`${value}\n`);
        return;
      }
      if (opts.format === "env") process.stdout.write(formatEnv(secretEnv(secret)));
      else if (opts.format === "dotenv") process.stdout.write(formatDotenv(secretEnv(secret)));
      else printJson(secret.fields);
    });
}
