import { type Command, Option } from "commander";
import { durationArg, intArg } from "../options.js";

/** Flags of a leased secret, as commander hands them over. Absent means "not given". */
export interface ConnectionFlags {
  host?: string;
  port?: number;
  database?: string;
  adminUser?: string;
  adminPasswordStdin?: boolean;
  adminPasswordEnv?: string;
  /** Declared only to refuse it: a password in argv shows in `ps` and shell history. */
  adminPassword?: string;
  tls?: "disable" | "require" | "verify-full";
  caFile?: string;
}

export interface LeasedFlags extends ConnectionFlags {
  lifetime?: number;
  renewOnRead?: boolean;
  renewWindow?: number;
  hardMax?: number;
  nativeExpiry?: boolean;
  revokeOnDisable?: boolean;
  mintFresh?: boolean;
  maxLogins?: number;
  passwordLength?: number;
  charset?: "symbols" | "alphanumeric" | "numbers" | "uuid";
  grantsFile?: string;
}

export function addConnectionOptions(command: Command): Command {
  return command
    .optionsGroup("Database connection:")
    .option("--host <host>", "database host")
    .option("--port <port>", "database port (default 5432)", intArg(1, 65535))
    .option("--database <name>", "database name")
    .option("--admin-user <user>", "role that creates the logins")
    .option("--admin-password-stdin", "read the admin password from standard input")
    .option("--admin-password-env <var>", "read the admin password from environment variable VAR")
    .addOption(new Option("--admin-password <password>").hideHelp())
    .addOption(
      new Option("--tls <mode>", "TLS to the database (default disable)").choices([
        "disable",
        "require",
        "verify-full",
      ]),
    )
    .option("--ca-file <file>", "PEM CA bundle that verifies the database certificate (verify-full)")
    .optionsGroup("Options:");
}

export function addLeasedOptions(command: Command): Command {
  return addConnectionOptions(command)
    .optionsGroup("Lease policy:")
    .option("--lifetime <duration>", "lease lifetime, at least 60s (e.g. 5m)", durationArg)
    .option("--renew-on-read", "a read inside the renew window extends the lease")
    .option("--no-renew-on-read", "reads never extend the lease")
    .option("--renew-window <duration>", "how close to expiry a read renews (e.g. 1m)", durationArg)
    .option("--hard-max <duration>", "no lease outlives this, renewed or not (e.g. 1h)", durationArg)
    .option("--native-expiry", "also set the login's VALID UNTIL in the database (default)")
    .option("--no-native-expiry", "do not set VALID UNTIL")
    .option(
      "--revoke-on-disable",
      "disabling a machine, or ungranting its project, revokes its logins (default)",
    )
    .option("--no-revoke-on-disable", "keep the logins of disabled or ungranted machines until they expire")
    .option("--mint-fresh", "mint a new login on every read")
    .option("--no-mint-fresh", "reuse the live login (default)")
    .option("--max-logins <n>", "cap on live logins for this secret", intArg(1, 100_000))
    .optionsGroup("Minted logins:")
    .option("--password-length <n>", "length of minted passwords (16-128, default 32)", intArg(1, 1024))
    .addOption(
      new Option("--charset <charset>", "characters of minted passwords (default alphanumeric)").choices([
        "symbols",
        "alphanumeric",
        "numbers",
        "uuid",
      ]),
    )
    .option("--grants-file <file>", "SQL run for each new login; {{name}} is its quoted identifier")
    .optionsGroup("Options:");
}

/** The flag a configuration path came from, so a refusal names what to change. */
export const FLAG_FOR_PATH: Record<string, string> = {
  "connection.host": "--host",
  "connection.port": "--port",
  "connection.database": "--database",
  "connection.adminUser": "--admin-user",
  "connection.adminPassword": "--admin-password-stdin",
  "connection.tlsMode": "--tls",
  "connection.caPem": "--ca-file",
  "shape.passwordLength": "--password-length",
  "shape.charset": "--charset",
  "shape.grants": "--grants-file",
  "policy.lifetimeSeconds": "--lifetime",
  "policy.renewOnRead": "--renew-on-read",
  "policy.renewWindowSeconds": "--renew-window",
  "policy.hardMaxSeconds": "--hard-max",
  "policy.nativeExpiry": "--native-expiry",
  "policy.revokeOnDisable": "--revoke-on-disable",
  "policy.mintFresh": "--mint-fresh",
  "policy.maxLogins": "--max-logins",
};

/** Names of every leased flag (commander's camelCase keys), to tell when any was given. */
export const LEASED_KEYS = [
  "host",
  "port",
  "database",
  "adminUser",
  "adminPasswordStdin",
  "adminPasswordEnv",
  "adminPassword",
  "tls",
  "caFile",
  "lifetime",
  "renewOnRead",
  "renewWindow",
  "hardMax",
  "nativeExpiry",
  "revokeOnDisable",
  "mintFresh",
  "maxLogins",
  "passwordLength",
  "charset",
  "grantsFile",
] as const satisfies readonly (keyof LeasedFlags)[];
