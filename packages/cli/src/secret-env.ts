import type { SecretReadResponse } from "@sikkerkey/protocol";
import { CliError } from "./errors.js";
import { EXIT } from "./exit-codes.js";

/** libpq's own variables, so psql, pg_dump and every libpq-based driver connect unconfigured. */
const PG_ENV = {
  host: "PGHOST",
  port: "PGPORT",
  database: "PGDATABASE",
  username: "PGUSER",
  password: "PGPASSWORD",
} as const;

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The environment a secret becomes: libpq's PG* variables for a leased PostgreSQL credential,
 * each field under its own name for a structured secret.
 */
export function secretEnv(secret: SecretReadResponse): Record<string, string> {
  if (secret.kind === "leased") {
    const env: Record<string, string> = {};
    for (const [field, variable] of Object.entries(PG_ENV)) {
      const value = secret.fields[field];
      if (value === undefined) {
        throw new CliError(
          `leased secret ${secret.id} came back without its ${field} field`,
          EXIT.UNEXPECTED,
        );
      }
      env[variable] = String(value);
    }
    return env;
  }
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(secret.fields)) {
    if (!ENV_NAME.test(name)) {
      throw new CliError(
        `field ${name} of ${secret.id} cannot be an environment variable name`,
        EXIT.CONFLICT,
      );
    }
    env[name] = String(value);
  }
  return env;
}

/** POSIX shell single quotes: nothing inside is special, and `'` is closed, escaped, reopened. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** `export NAME='value'` lines, safe to `eval` in sh, bash and zsh. */
export function formatEnv(env: Record<string, string>): string {
  return Object.entries(env)
    .map(([name, value]) => `export ${name}=${shellQuote(value)}\n`)
    .join("");
}

/**
 * `.env` lines. Single quotes (taken literally by dotenv, python-dotenv and docker compose) unless
 * the value holds a quote or newline; then double quotes with backslash escapes.
 */
export function formatDotenv(env: Record<string, string>): string {
  return Object.entries(env)
    .map(([name, value]) => `${name}=${dotenvQuote(value)}\n`)
    .join("");
}

function dotenvQuote(value: string): string {
  if (!/['\n\r]/.test(value)) return `'${value}'`;
  const escaped = value
    .replaceAll("\\", "\\\\")
    .replaceAll('"', '\\"')
    .replaceAll("$", "\\$")
    .replaceAll("\n", "\\n")
    .replaceAll("\r", "\\r");
  return `"${escaped}"`;
}
