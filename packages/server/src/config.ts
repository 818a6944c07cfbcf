import { z } from "zod";
import { LOG_LEVELS } from "./log/index.js";
import { Redacted } from "./redacted.js";

/** What start-up reads: flags win over the environment, the environment over defaults. */
export interface ConfigSources {
  flags?: {
    dataDir?: string | undefined;
    listen?: string | undefined;
    masterKeyFile?: string | undefined;
    logLevel?: string | undefined;
    skewSeconds?: string | number | undefined;
    trustProxy?: boolean | undefined;
  };
  env?: Record<string, string | undefined>;
}

const listenSchema = z
  .string()
  .trim()
  .transform((value, ctx) => {
    const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s]+)):(\d{1,5})$/.exec(value);
    const port = Number(match?.[3]);
    if (!match || port < 0 || port > 65535) {
      ctx.addIssue({ code: "custom", message: `expected HOST:PORT (e.g. 127.0.0.1:8420), got "${value}"` });
      return z.NEVER;
    }
    return { host: (match[1] ?? match[2])!, port };
  });

const databaseUrlSchema = z
  .string()
  .trim()
  .refine((v) => /^postgres(ql)?:\/\/[^\s]+$/.test(v), {
    message: "DATABASE_URL must be a postgres:// or postgresql:// URL",
  })
  .transform((v) => new Redacted(v));

const masterKeySchema = z
  .string()
  .trim()
  .refine((v) => /^[A-Za-z0-9+/]+={0,2}$/.test(v) && Buffer.from(v, "base64").length === 32, {
    message: "SIKKERKEY_MASTER_KEY must be 32 random bytes, base64-encoded (openssl rand -base64 32)",
  })
  .transform((v) => new Redacted(v));

const booleanText = z.union([
  z.boolean(),
  z.enum(["true", "1", "yes", "on"]).transform(() => true),
  z.enum(["false", "0", "no", "off", ""]).transform(() => false),
]);

export const configSchema = z
  .object({
    dataDir: z.string().trim().min(1, "the data dir cannot be empty").default("./data"),
    listen: listenSchema.default({ host: "127.0.0.1", port: 8420 }),
    /** Secret: holds the database password. No default; absent means the embedded store. */
    databaseUrl: databaseUrlSchema.optional(),
    /** Secret: no default. Absent means the key file (created 0600 on first start). */
    masterKey: masterKeySchema.optional(),
    previousMasterKeys: z
      .string()
      .optional()
      .transform((v) => (v ? new Redacted(v) : undefined)),
    masterKeyFile: z.string().trim().min(1).optional(),
    skewSeconds: z.coerce
      .number({ message: "skew must be a whole number of seconds" })
      .int("skew must be a whole number of seconds")
      .min(1, "skew must be at least 1 second")
      .max(3600, "skew above an hour would make replayed requests easy")
      .default(60),
    logLevel: z
      .enum(LOG_LEVELS, { message: `log level must be one of ${LOG_LEVELS.join(", ")}` })
      .default("info"),
    /** Take the client address from X-Forwarded-For: only behind a proxy that sets it. */
    trustProxy: booleanText.default(false),
    /**
     * How old a `minting` lease row must be before it counts as abandoned by a crash (engine
     * default 120 s). Fault tests lower it so a crash is repaired by the next start-up pass.
     */
    mintingGraceSeconds: z.coerce
      .number({ message: "the minting grace must be a whole number of seconds" })
      .int("the minting grace must be a whole number of seconds")
      .min(1, "the minting grace must be at least 1 second")
      .max(86_400, "the minting grace cannot exceed a day")
      .optional(),
  })
  .superRefine((c, ctx) => {
    if (c.masterKey && c.masterKeyFile) {
      ctx.addIssue({
        code: "custom",
        path: ["masterKeyFile"],
        message: "give the master key either in SIKKERKEY_MASTER_KEY or as --master-key-file, not both",
      });
    }
  });

export type Config = z.output<typeof configSchema>;

/** A start-up problem a person can fix; the message names the flag or variable. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

const SOURCE_NAMES: Record<string, string> = {
  dataDir: "--data-dir / SIKKERKEY_DATA_DIR",
  listen: "--listen / SIKKERKEY_LISTEN",
  databaseUrl: "DATABASE_URL",
  masterKey: "SIKKERKEY_MASTER_KEY",
  previousMasterKeys: "SIKKERKEY_PREVIOUS_MASTER_KEYS",
  masterKeyFile: "--master-key-file / SIKKERKEY_MASTER_KEY_FILE",
  skewSeconds: "SIKKERKEY_SKEW_SECONDS",
  logLevel: "--log-level / SIKKERKEY_LOG_LEVEL",
  trustProxy: "SIKKERKEY_TRUST_PROXY",
  mintingGraceSeconds: "SIKKERKEY_MINTING_GRACE_SECONDS",
};

const blank = (v: string | undefined) => (v === undefined || v.trim() === "" ? undefined : v);

/** Parses flags and environment once, at start-up. Throws ConfigError listing every bad value. */
export function parseConfig(sources: ConfigSources = {}): Config {
  const flags = sources.flags ?? {};
  const env = sources.env ?? {};
  const result = configSchema.safeParse({
    dataDir: flags.dataDir ?? blank(env["SIKKERKEY_DATA_DIR"]),
    listen: flags.listen ?? blank(env["SIKKERKEY_LISTEN"]),
    databaseUrl: blank(env["DATABASE_URL"]),
    masterKey: blank(env["SIKKERKEY_MASTER_KEY"]),
    previousMasterKeys: blank(env["SIKKERKEY_PREVIOUS_MASTER_KEYS"]),
    masterKeyFile: flags.masterKeyFile ?? blank(env["SIKKERKEY_MASTER_KEY_FILE"]),
    skewSeconds: flags.skewSeconds ?? blank(env["SIKKERKEY_SKEW_SECONDS"]),
    logLevel: flags.logLevel ?? blank(env["SIKKERKEY_LOG_LEVEL"]),
    trustProxy: flags.trustProxy ?? blank(env["SIKKERKEY_TRUST_PROXY"]),
    mintingGraceSeconds: blank(env["SIKKERKEY_MINTING_GRACE_SECONDS"]),
  });
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const key = String(issue.path[0] ?? "");
    return `${SOURCE_NAMES[key] ?? key}: ${issue.message}`;
  });
  throw new ConfigError(`invalid configuration:\n  ${lines.join("\n  ")}`);
}
