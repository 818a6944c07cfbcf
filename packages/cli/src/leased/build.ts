import {
  type ConnectionInput,
  connectionSchema,
  type LeasedConfigInput,
  type LeasedConfigPatch,
  leasedConfigPatchSchema,
  leasedConfigSchema,
} from "@sikkerkey/protocol";
import { ApiError } from "../api-error.js";
import { UsageError } from "../errors.js";
import { readStdin, readTextFile, stripFinalNewline } from "../input.js";
import { CLEARING_FLAGS, FLAG_FOR_PATH, LEASED_KEYS, type LeasedFlags } from "./options.js";

/** True when any leased flag was given (commander leaves absent ones undefined). */
export function hasLeasedFlags(flags: LeasedFlags): boolean {
  return LEASED_KEYS.some((key) => flags[key] !== undefined);
}

/**
 * The admin password from stdin or a named environment variable; never from a flag value.
 * Returns undefined when neither source was given.
 */
export async function readAdminPassword(flags: LeasedFlags): Promise<string | undefined> {
  if (flags.adminPassword !== undefined) {
    throw new UsageError(
      "the admin password is never taken as a flag value (it would show in ps and shell history): use --admin-password-stdin or --admin-password-env VAR",
    );
  }
  if (flags.adminPasswordStdin && flags.adminPasswordEnv) {
    throw new UsageError("give either --admin-password-stdin or --admin-password-env, not both");
  }
  let password: string | undefined;
  if (flags.adminPasswordStdin) {
    password = stripFinalNewline(await readStdin("--admin-password-stdin"));
    if (password === "") throw new UsageError("--admin-password-stdin: standard input was empty");
  } else if (flags.adminPasswordEnv) {
    password = process.env[flags.adminPasswordEnv];
    if (!password) {
      throw new UsageError(`--admin-password-env: environment variable ${flags.adminPasswordEnv} is not set`);
    }
  }
  return password;
}

function required(flags: LeasedFlags, keys: [keyof LeasedFlags, string][], what: string): void {
  const missing = keys.filter(([key]) => flags[key] === undefined).map(([, flag]) => flag);
  if (missing.length > 0) throw new UsageError(`${what} needs ${missing.join(", ")}`);
}

async function connectionInput(flags: LeasedFlags, what: string): Promise<ConnectionInput> {
  required(
    flags,
    [
      ["host", "--host"],
      ["database", "--database"],
      ["adminUser", "--admin-user"],
    ],
    what,
  );
  const adminPassword = await readAdminPassword(flags);
  if (adminPassword === undefined) {
    throw new UsageError(
      `${what} needs the admin password: --admin-password-stdin or --admin-password-env VAR`,
    );
  }
  return {
    host: flags.host!,
    ...(flags.port !== undefined && { port: flags.port }),
    database: flags.database!,
    adminUser: flags.adminUser!,
    adminPassword,
    ...(flags.tls !== undefined && { tlsMode: flags.tls }),
    ...(flags.caFile !== undefined && { caPem: await readTextFile(flags.caFile, "--ca-file") }),
  };
}

/** POST /v1/admin/test-connection body, checked here first so a bad flag never leaves. */
export async function buildConnection(flags: LeasedFlags): Promise<ConnectionInput> {
  const connection = await connectionInput(flags, "test-connection without a secret id");
  check(connectionSchema.safeParse(connection), "connection.");
  return connection;
}

/** `leased` of POST /v1/admin/secrets: only what was given; the server fills its defaults. */
export async function buildLeasedConfig(flags: LeasedFlags): Promise<LeasedConfigInput> {
  const clearing = CLEARING_FLAGS.find(([key]) => flags[key]);
  if (clearing) {
    const [, flag, clears] = clearing;
    throw new UsageError(
      `${flag} is for secret update, where it clears a stored value: a new secret has none unless ${clears} is given`,
    );
  }
  required(flags, [["lifetime", "--lifetime"]], "a leased secret");
  const connection = await connectionInput(flags, "a leased secret");
  const shape = await shapeInput(flags);
  const config: LeasedConfigInput = {
    provider: "postgresql",
    connection,
    ...(Object.keys(shape).length > 0 && { shape }),
    policy: { lifetimeSeconds: flags.lifetime!, ...policyInput(flags) },
  };
  check(leasedConfigSchema.safeParse(config));
  return config;
}

/** The connection flags of an update; changing any of them needs the admin password again. */
const CONNECTION_CHANGES: [keyof LeasedFlags, string][] = [
  ["host", "--host"],
  ["port", "--port"],
  ["database", "--database"],
  ["adminUser", "--admin-user"],
  ["tls", "--tls"],
  ["caFile", "--ca-file"],
  ["noCaFile", "--no-ca-file"],
];

/** `leased` of PATCH /v1/admin/secrets/{id}: exactly the flags that were given. */
export async function buildLeasedPatch(flags: LeasedFlags): Promise<LeasedConfigPatch> {
  const adminPassword = await readAdminPassword(flags);
  const moving = CONNECTION_CHANGES.filter(([key]) => flags[key] !== undefined).map(([, flag]) => flag);
  if (moving.length > 0 && adminPassword === undefined) {
    // The server refuses it too: the saved password is only sent where it was given for.
    throw new UsageError(
      `changing ${moving.join(", ")} needs the admin password again (--admin-password-stdin or --admin-password-env VAR): the saved one is only sent to the connection it was given for`,
    );
  }
  const connection = {
    ...(flags.host !== undefined && { host: flags.host }),
    ...(flags.port !== undefined && { port: flags.port }),
    ...(flags.database !== undefined && { database: flags.database }),
    ...(flags.adminUser !== undefined && { adminUser: flags.adminUser }),
    ...(adminPassword !== undefined && { adminPassword }),
    ...(flags.tls !== undefined && { tlsMode: flags.tls }),
    ...(flags.caFile !== undefined && { caPem: await readTextFile(flags.caFile, "--ca-file") }),
    ...(flags.noCaFile && { caPem: null }),
  };
  const shape = await shapeInput(flags);
  const policy = {
    ...(flags.lifetime !== undefined && { lifetimeSeconds: flags.lifetime }),
    ...policyInput(flags),
    ...(flags.noRenewWindow && { renewWindowSeconds: null }),
    ...(flags.noHardMax && { hardMaxSeconds: null }),
    ...(flags.noMaxLogins && { maxLogins: null }),
  };
  const patch: LeasedConfigPatch = {
    ...(Object.keys(connection).length > 0 && { connection }),
    ...(Object.keys(shape).length > 0 && { shape }),
    ...(Object.keys(policy).length > 0 && { policy }),
  };
  check(leasedConfigPatchSchema.safeParse(patch));
  return patch;
}

/**
 * A server refusal of a leased configuration with its API paths (`leased.policy.hardMaxSeconds`)
 * told as the flags that set them (`--hard-max`); paths no flag sets are left as they are.
 */
export function namingFlags(error: unknown): unknown {
  if (!(error instanceof ApiError)) return error;
  return error.withPathsNamed((path) => {
    const key = path.startsWith("leased.") ? path.slice("leased.".length) : undefined;
    return key !== undefined && Object.hasOwn(FLAG_FOR_PATH, key) ? FLAG_FOR_PATH[key] : undefined;
  });
}

async function shapeInput(flags: LeasedFlags) {
  return {
    ...(flags.passwordLength !== undefined && { passwordLength: flags.passwordLength }),
    ...(flags.charset !== undefined && { charset: flags.charset }),
    ...(flags.grantsFile !== undefined && { grants: await readTextFile(flags.grantsFile, "--grants-file") }),
  };
}

function policyInput(flags: LeasedFlags) {
  return {
    ...(flags.renewOnRead !== undefined && { renewOnRead: flags.renewOnRead }),
    ...(flags.renewWindow !== undefined && { renewWindowSeconds: flags.renewWindow }),
    ...(flags.hardMax !== undefined && { hardMaxSeconds: flags.hardMax }),
    ...(flags.nativeExpiry !== undefined && { nativeExpiry: flags.nativeExpiry }),
    ...(flags.revokeOnDisable !== undefined && { revokeOnDisable: flags.revokeOnDisable }),
    ...(flags.mintFresh !== undefined && { mintFresh: flags.mintFresh }),
    ...(flags.maxLogins !== undefined && { maxLogins: flags.maxLogins }),
  };
}

interface ParseResult {
  success: boolean;
  error?: { issues: { path: PropertyKey[]; message: string }[] } | undefined;
}

/** Turns the protocol schema's refusal into one usage line naming the flags to change. */
function check(result: ParseResult, prefix = ""): void {
  if (result.success || !result.error) return;
  const problems = result.error.issues.map((issue) => {
    const path = prefix + issue.path.map(String).join(".");
    const flag = FLAG_FOR_PATH[path];
    return flag ? `${flag}: ${issue.message}` : `${path || "leased configuration"}: ${issue.message}`;
  });
  throw new UsageError(problems.join("; "));
}
