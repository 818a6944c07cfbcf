import { formatDuration, type LeasedConfigView } from "@sikkerkey/protocol";
import type { FormFields } from "../env.js";
import { checkbox, text } from "../http/form.js";

export const STEPS = ["connection", "shape", "policy"] as const;
export type Step = (typeof STEPS)[number];

export function isStep(value: string | undefined): value is Step {
  return (STEPS as readonly string[]).includes(value ?? "");
}

/**
 * What the operator typed, as typed: a value that does not validate still comes back into its
 * field with the problem beside it. Durations are text (`90s`, `5m`, `1h`, `7d`).
 */
export interface WizardValues {
  secretId: string;
  project: string;
  host: string;
  port: string;
  database: string;
  adminUser: string;
  tlsMode: string;
  caPem: string;
  passwordLength: string;
  charset: string;
  grants: string;
  lifetime: string;
  renewOnRead: boolean;
  renewWindow: string;
  hardMax: string;
  nativeExpiry: boolean;
  revokeOnDisable: boolean;
  mintFresh: boolean;
  maxLogins: string;
}

/** The protocol's defaults, so an operator who accepts them gets what the API would give. */
export function emptyValues(): WizardValues {
  return {
    secretId: "",
    project: "",
    host: "",
    port: "5432",
    database: "",
    adminUser: "",
    tlsMode: "disable",
    caPem: "",
    passwordLength: "32",
    charset: "alphanumeric",
    grants: "",
    lifetime: "1h",
    renewOnRead: false,
    renewWindow: "",
    hardMax: "",
    nativeExpiry: true,
    revokeOnDisable: true,
    mintFresh: false,
    maxLogins: "",
  };
}

export function valuesFromView(secretId: string, project: string, view: LeasedConfigView): WizardValues {
  const { connection: c, shape: s, policy: p } = view;
  const duration = (seconds: number | undefined) => (seconds === undefined ? "" : formatDuration(seconds));
  return {
    secretId,
    project,
    host: c.host,
    port: String(c.port),
    database: c.database,
    adminUser: c.adminUser,
    tlsMode: c.tlsMode,
    // A saved CA is kept unless a new one is pasted; the view only says whether one exists.
    caPem: "",
    passwordLength: String(s.passwordLength),
    charset: s.charset,
    grants: s.grants,
    lifetime: formatDuration(p.lifetimeSeconds),
    renewOnRead: p.renewOnRead,
    renewWindow: duration(p.renewWindowSeconds),
    hardMax: duration(p.hardMaxSeconds),
    nativeExpiry: p.nativeExpiry,
    revokeOnDisable: p.revokeOnDisable,
    mintFresh: p.mintFresh,
    maxLogins: p.maxLogins === undefined ? "" : String(p.maxLogins),
  };
}

/**
 * Takes the fields of the step that was posted into the draft. Only that step's fields: an
 * unchecked box is absent from a form, so reading it on another step would clear it.
 */
export function readStep(
  step: Step,
  form: FormFields,
  values: WizardValues,
  options: { canEditGrants: boolean; editing: boolean },
): WizardValues {
  const v = { ...values };
  if (step === "connection") {
    if (!options.editing) {
      v.secretId = text(form, "secretId").trim();
      v.project = text(form, "project").trim();
    }
    v.host = text(form, "host").trim();
    v.port = text(form, "port").trim();
    v.database = text(form, "database").trim();
    v.adminUser = text(form, "adminUser").trim();
    v.tlsMode = text(form, "tlsMode");
    v.caPem = text(form, "caPem").trim();
  } else if (step === "shape") {
    v.passwordLength = text(form, "passwordLength").trim();
    v.charset = text(form, "charset");
    // A read-only grants field is not trusted: only an owner's post may change it.
    if (options.canEditGrants) v.grants = text(form, "grants").replace(/\r\n/g, "\n");
  } else {
    v.lifetime = text(form, "lifetime").trim();
    v.renewOnRead = checkbox(form, "renewOnRead");
    v.renewWindow = text(form, "renewWindow").trim();
    v.hardMax = text(form, "hardMax").trim();
    v.nativeExpiry = checkbox(form, "nativeExpiry");
    v.revokeOnDisable = checkbox(form, "revokeOnDisable");
    v.mintFresh = checkbox(form, "mintFresh");
    v.maxLogins = text(form, "maxLogins").trim();
  }
  return v;
}
