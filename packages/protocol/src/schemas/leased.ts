import { z } from "zod";

/** Step 1 of the wizard: where SikkerKey mints logins. */
export const tlsModeSchema = z.enum(["disable", "require", "verify-full"]);
export type TlsMode = z.infer<typeof tlsModeSchema>;

export const connectionSchema = z
  .object({
    host: z.string().min(1).max(255),
    port: z.number().int().min(1).max(65535).default(5432),
    database: z.string().min(1).max(63),
    adminUser: z.string().min(1).max(63),
    /** Write-only: sealed at rest, never returned. */
    adminPassword: z.string().min(1).max(1024),
    tlsMode: tlsModeSchema.default("disable"),
    /** PEM CA bundle; required for verify-full, and then the server certificate is verified. */
    caPem: z.string().max(65536).optional(),
  })
  .superRefine((c, ctx) => {
    if (c.tlsMode === "verify-full" && !c.caPem) {
      ctx.addIssue({
        code: "custom",
        path: ["caPem"],
        message: "tlsMode verify-full needs a CA certificate (caPem)",
      });
    }
  });
export type ConnectionInput = z.input<typeof connectionSchema>;
export type Connection = z.output<typeof connectionSchema>;

/** The connection as the server shows it: the admin password never comes back. */
export const connectionViewSchema = z.object({
  host: z.string(),
  port: z.number().int(),
  database: z.string(),
  adminUser: z.string(),
  tlsMode: tlsModeSchema,
  hasCa: z.boolean(),
});
export type ConnectionView = z.infer<typeof connectionViewSchema>;

/** Step 2: what each minted login looks like. */
export const charsetSchema = z.enum(["symbols", "alphanumeric", "numbers", "uuid"]);
export type Charset = z.infer<typeof charsetSchema>;

export const shapeSchema = z.object({
  passwordLength: z.number().int().min(16).max(128).default(32),
  charset: charsetSchema.default("alphanumeric"),
  /** SQL run on each new login; `{{name}}` becomes the login's quoted identifier. Owner-only. */
  grants: z.string().max(65536).default(""),
});
export type ShapeInput = z.input<typeof shapeSchema>;
export type Shape = z.output<typeof shapeSchema>;

/** Step 3: how minted logins behave over time. All durations in seconds. */
export const policyBaseSchema = z.object({
  lifetimeSeconds: z
    .number()
    .int()
    .min(60, "credential lifetime must be at least 60 seconds")
    .max(31_536_000),
  renewOnRead: z.boolean().default(false),
  renewWindowSeconds: z.number().int().min(1).optional(),
  hardMaxSeconds: z.number().int().min(60).max(31_536_000).optional(),
  nativeExpiry: z.boolean().default(true),
  revokeOnDisable: z.boolean().default(true),
  mintFresh: z.boolean().default(false),
  maxLogins: z.number().int().min(1).max(100_000).optional(),
});

/** Rules that span fields: each message says what to change. */
export function checkPolicy(
  p: z.output<typeof policyBaseSchema>,
  ctx: { addIssue(issue: { code: "custom"; path: string[]; message: string }): void },
): void {
  if (p.renewWindowSeconds !== undefined && !p.renewOnRead) {
    ctx.addIssue({
      code: "custom",
      path: ["renewWindowSeconds"],
      message: "a renew window needs renew on read",
    });
  }
  if (p.renewWindowSeconds !== undefined && p.renewWindowSeconds >= p.lifetimeSeconds) {
    ctx.addIssue({
      code: "custom",
      path: ["renewWindowSeconds"],
      message: "the renew window must be shorter than the credential lifetime",
    });
  }
  if (p.hardMaxSeconds !== undefined && p.hardMaxSeconds < p.lifetimeSeconds) {
    ctx.addIssue({
      code: "custom",
      path: ["hardMaxSeconds"],
      message: "the hard maximum cannot be shorter than the credential lifetime",
    });
  }
  if (p.mintFresh && p.renewOnRead) {
    ctx.addIssue({
      code: "custom",
      path: ["mintFresh"],
      message:
        "mint fresh on every read never reuses a login, so it cannot renew one: turn off renew on read",
    });
  }
}

export const policySchema = policyBaseSchema.superRefine(checkPolicy);
export type PolicyInput = z.input<typeof policySchema>;
export type Policy = z.output<typeof policySchema>;

/** The whole leased configuration, as created. */
export const leasedConfigSchema = z.object({
  provider: z.literal("postgresql").default("postgresql"),
  connection: connectionSchema,
  shape: shapeSchema.default({ passwordLength: 32, charset: "alphanumeric", grants: "" }),
  policy: policySchema,
});
export type LeasedConfigInput = z.input<typeof leasedConfigSchema>;
export type LeasedConfig = z.output<typeof leasedConfigSchema>;

/**
 * A partial change. Nothing here has a default, so an omitted field keeps the stored value;
 * `null` clears an optional one (renew window, hard maximum, login cap, CA). The admin
 * password may be omitted to keep the sealed one.
 */
export const leasedConfigPatchSchema = z.object({
  connection: z
    .object({
      host: z.string().min(1).max(255),
      port: z.number().int().min(1).max(65535),
      database: z.string().min(1).max(63),
      adminUser: z.string().min(1).max(63),
      adminPassword: z.string().min(1).max(1024),
      tlsMode: tlsModeSchema,
      caPem: z.string().max(65536).nullable(),
    })
    .partial()
    .optional(),
  shape: z
    .object({
      passwordLength: z.number().int().min(16).max(128),
      charset: charsetSchema,
      grants: z.string().max(65536),
    })
    .partial()
    .optional(),
  policy: z
    .object({
      lifetimeSeconds: z
        .number()
        .int()
        .min(60, "credential lifetime must be at least 60 seconds")
        .max(31_536_000),
      renewOnRead: z.boolean(),
      renewWindowSeconds: z.number().int().min(1).nullable(),
      hardMaxSeconds: z.number().int().min(60).max(31_536_000).nullable(),
      nativeExpiry: z.boolean(),
      revokeOnDisable: z.boolean(),
      mintFresh: z.boolean(),
      maxLogins: z.number().int().min(1).max(100_000).nullable(),
    })
    .partial()
    .optional(),
});
export type LeasedConfigPatch = z.infer<typeof leasedConfigPatchSchema>;

export const leasedConfigViewSchema = z.object({
  provider: z.literal("postgresql"),
  connection: connectionViewSchema,
  shape: shapeSchema,
  policy: policyBaseSchema,
});
export type LeasedConfigView = z.infer<typeof leasedConfigViewSchema>;

/** What "Test connection" reports: each check, and the statement that fixes a failing one. */
export const connectionCheckSchema = z.object({
  name: z.enum(["connect", "authenticate", "create_role", "terminate_sessions", "drop_role", "tls"]),
  ok: z.boolean(),
  message: z.string(),
  fix: z.string().optional(),
});
export const connectionTestResultSchema = z.object({
  ok: z.boolean(),
  serverVersion: z.string().optional(),
  superuser: z.boolean().optional(),
  checks: z.array(connectionCheckSchema),
});
export type ConnectionCheck = z.infer<typeof connectionCheckSchema>;
export type ConnectionTestResult = z.infer<typeof connectionTestResultSchema>;
