import { type LeasedConfig, type LeasedConfigPatch, secretIdSchema } from "@sikkerkey/protocol";
import type { FieldErrors } from "../http/form.js";
import type { Draft } from "./drafts.js";
import { checkConnection, checkPolicyValues, checkShape } from "./validate.js";
import { STEPS, type Step } from "./values.js";

/** Problems of one step; the connection step also names the secret (when creating). */
export function stepErrors(step: Step, draft: Draft, password: string | undefined): FieldErrors {
  const v = draft.values;
  if (step === "shape") {
    const shape = checkShape(v);
    return shape.ok ? {} : shape.errors;
  }
  if (step === "policy") {
    const policy = checkPolicyValues(v);
    return policy.ok ? {} : policy.errors;
  }
  const errors: FieldErrors = {};
  if (!draft.editing) {
    const id = secretIdSchema.safeParse(v.secretId);
    if (!id.success) errors["secretId"] = id.error.issues[0]?.message ?? "not a valid id";
    if (!v.project) errors["project"] = "choose the project the secret belongs to";
  }
  const connection = checkConnection(v, password, draft.keep);
  return connection.ok ? errors : { ...errors, ...connection.errors };
}

export type Assembled<T> = { ok: true; value: T } | { ok: false; step: Step; errors: FieldErrors };

/** The first step with a problem, so "Create" sends the operator back to exactly that step. */
function firstProblem(draft: Draft, password: string | undefined): Assembled<never> | undefined {
  for (const step of STEPS) {
    const errors = stepErrors(step, draft, password);
    if (Object.keys(errors).length > 0) return { ok: false, step, errors };
  }
  return undefined;
}

export function assembleConfig(draft: Draft, password: string | undefined): Assembled<LeasedConfig> {
  const problem = firstProblem(draft, password);
  if (problem) return problem;
  const connection = checkConnection(draft.values, password);
  const shape = checkShape(draft.values);
  const policy = checkPolicyValues(draft.values);
  if (!connection.ok || !shape.ok || !policy.ok) return { ok: false, step: "connection", errors: {} };
  const value: LeasedConfig = {
    provider: "postgresql",
    connection: connection.value,
    shape: shape.value,
    policy: policy.value,
  };
  return { ok: true, value };
}

/**
 * An edit: a blank password or CA keeps the saved one; blank optional durations clear theirs;
 * the grants template is only sent by an owner (the service refuses anyone else's change).
 */
export function assemblePatch(
  draft: Draft,
  password: string | undefined,
  canEditGrants: boolean,
): Assembled<LeasedConfigPatch> {
  const problem = firstProblem(draft, password);
  if (problem) return problem;
  const v = draft.values;
  const shape = checkShape(v);
  const policy = checkPolicyValues(v);
  if (!shape.ok || !policy.ok) return { ok: false, step: "shape", errors: {} };
  const p = policy.value;
  return {
    ok: true,
    value: {
      connection: {
        host: v.host,
        port: Number(v.port),
        database: v.database,
        adminUser: v.adminUser,
        tlsMode: v.tlsMode as "disable" | "require" | "verify-full",
        ...(password ? { adminPassword: password } : {}),
        ...(v.caPem ? { caPem: v.caPem } : {}),
      },
      shape: {
        passwordLength: shape.value.passwordLength,
        charset: shape.value.charset,
        ...(canEditGrants ? { grants: shape.value.grants } : {}),
      },
      policy: {
        lifetimeSeconds: p.lifetimeSeconds,
        renewOnRead: p.renewOnRead,
        // null clears: a field left blank in the wizard removes the saved value.
        renewWindowSeconds: p.renewWindowSeconds ?? null,
        hardMaxSeconds: p.hardMaxSeconds ?? null,
        nativeExpiry: p.nativeExpiry,
        revokeOnDisable: p.revokeOnDisable,
        mintFresh: p.mintFresh,
        maxLogins: p.maxLogins ?? null,
      },
    },
  };
}
