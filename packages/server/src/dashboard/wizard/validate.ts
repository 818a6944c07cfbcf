import {
  type Connection,
  connectionSchema,
  parseDuration,
  type Policy,
  policySchema,
  type Shape,
  shapeSchema,
} from "@sikkerkey/protocol";
import type { z } from "zod";
import type { FieldErrors } from "../http/form.js";
import type { WizardValues } from "./values.js";

type Checked<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

const WHOLE = /^\d{1,9}$/;
const DURATION_HELP = "write a duration like 90s, 5m, 1h or 7d";

function collect<T>(
  result: z.ZodSafeParseResult<T>,
  rename: Record<string, string>,
  errors: FieldErrors,
): Checked<T> {
  if (result.success && Object.keys(errors).length === 0) return { ok: true, value: result.data };
  for (const issue of result.error?.issues ?? []) {
    const key = String(issue.path[0] ?? "form");
    const field = rename[key] ?? key;
    errors[field] ??= issue.message;
  }
  return { ok: false, errors };
}

/** Step 1. When editing, a blank password or CA means "keep the saved one". */
export function checkConnection(
  v: WizardValues,
  password: string | undefined,
  keep: { password: boolean; ca: boolean } = { password: false, ca: false },
): Checked<Connection> {
  const errors: FieldErrors = {};
  if (!WHOLE.test(v.port)) errors["port"] = "the port is a number (PostgreSQL listens on 5432)";
  if (!password && !keep.password) errors["adminPassword"] = "enter the admin password";
  const result = connectionSchema.safeParse({
    host: v.host,
    port: Number(v.port),
    database: v.database,
    adminUser: v.adminUser,
    adminPassword: password || "(kept)",
    tlsMode: v.tlsMode,
    caPem: v.caPem || (keep.ca ? "(kept)" : undefined),
  });
  const checked = collect(result, {}, errors);
  if (!checked.ok) return checked;
  // The placeholders above only satisfied the schema; the patch leaves these fields out.
  return {
    ok: true,
    value: { ...checked.value, adminPassword: password ?? "", caPem: v.caPem || undefined },
  };
}

/** Step 2. */
export function checkShape(v: WizardValues): Checked<Shape> {
  const errors: FieldErrors = {};
  if (!WHOLE.test(v.passwordLength)) errors["passwordLength"] = "the length is a number of characters";
  return collect(
    shapeSchema.safeParse({ passwordLength: Number(v.passwordLength), charset: v.charset, grants: v.grants }),
    {},
    errors,
  );
}

/** Step 3: the protocol's own `checkPolicy` explains combinations that do not go together. */
export function checkPolicyValues(v: WizardValues): Checked<Policy> {
  const errors: FieldErrors = {};
  const duration = (field: string, value: string, optional: boolean): number | undefined => {
    if (value === "" && optional) return undefined;
    const seconds = parseDuration(value);
    if (seconds === undefined) errors[field] = DURATION_HELP;
    return seconds;
  };
  if (v.maxLogins !== "" && !WHOLE.test(v.maxLogins)) errors["maxLogins"] = "a number of logins, or blank";
  const input = {
    lifetimeSeconds: duration("lifetime", v.lifetime, false) ?? 0,
    renewOnRead: v.renewOnRead,
    renewWindowSeconds: duration("renewWindow", v.renewWindow, true),
    hardMaxSeconds: duration("hardMax", v.hardMax, true),
    nativeExpiry: v.nativeExpiry,
    revokeOnDisable: v.revokeOnDisable,
    mintFresh: v.mintFresh,
    maxLogins: v.maxLogins === "" ? undefined : Number(v.maxLogins),
  };
  const rename = {
    lifetimeSeconds: "lifetime",
    renewWindowSeconds: "renewWindow",
    hardMaxSeconds: "hardMax",
  };
  return collect(policySchema.safeParse(input), rename, errors);
}
