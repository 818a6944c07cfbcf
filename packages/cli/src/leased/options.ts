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
  /** `secret update` only: drop the stored CA. */
  noCaFile?: boolean;
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
  /** `secret update` only: clear the stored value (the API's `null`). */
  noRenewWindow?: boolean;
  noHardMax?: boolean;
  noMaxLogins?: boolean;
}

/** Which command the flags are for: `update` also offers the `--no-…` flags that clear a value. */
export interface LeasedOptionsFor {
  update?: boolean;
}

/** The `--no-…` flags that clear an optional stored value, with what they clear. */
export const CLEARING_FLAGS = [
  ["noCaFile", "--no-ca-file", "--ca-file"],
  ["noRenewWindow", "--no-renew-window", "--renew-window"],
  ["noHardMax", "--no-hard-max", "--hard-max"],
  ["noMaxLogins", "--no-max-logins", "--max-logins"],
] as const satisfies readonly (readonly [keyof LeasedFlags, string, string])[];

/**
 * `--no-X`, which clears X's stored value on `secret update` (the API's `null`). Not commander's
 * own negation, which shares X's value so that the last of `--X v --no-X` silently wins: a boolean
 * of its own (`noX`), refused together with `--X` (exit 2). On `create`, where leaving X out
 * already means none, it is hidden and refused with a message (build.ts).
 */
function clearOption(flags: string, description: string, clears: string, target: LeasedOptionsFor): Option {
  const option = new Option(flags, description).conflicts(clears).hideHelp(!target.update);
  option.negate = false;
  return option;
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

export function addLeasedOptions(command: Command, target: LeasedOptionsFor = {}): Command {
  return addConnectionOptions(command)
    .addOption(
      clearOption("--no-ca-file", "drop the stored CA", "caFile", target).helpGroup("Database connection:"),
    )
    .optionsGroup("Lease policy:")
    .option("--lifetime <duration>", "lease lifetime, at least 60s (e.g. 5m)", durationArg)
    .option("--renew-on-read", "a read inside the renew window extends the lease")
    .option("--no-renew-on-read", "reads never extend the lease (on update, also drops the renew window)")
    .option("--renew-window <duration>", "how close to expiry a read renews (e.g. 1m)", durationArg)
    .addOption(
      clearOption(
        "--no-renew-window",
        "drop the renew window: renew in the last half of the lifetime",
        "renewWindow",
        target,
      ),
    )
    .option("--hard-max <duration>", "no lease outlives this, renewed or not (e.g. 1h)", durationArg)
    .addOption(clearOption("--no-hard-max", "drop the hard maximum", "hardMax", target))
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
    .addOption(clearOption("--no-max-logins", "drop the cap on live logins", "maxLogins", target))
    .optionsGroup("Minted logins:")
    .option(
      "--password-length <n>",
      "length of minted passwords (16-128, default 32; uuid ignores it)",
      intArg(1, 1024),
    )
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
  "noCaFile",
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
  "noRenewWindow",
  "noHardMax",
  "noMaxLogins",
] as const satisfies readonly (keyof LeasedFlags)[];
