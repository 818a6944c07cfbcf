import type { ConnectionTestResult, Project } from "@sikkerkey/protocol";
import type { Child } from "hono/jsx";
import type { FieldErrors } from "../../http/form.js";
import type { Step, WizardValues } from "../../wizard/values.js";
import { Layout, type VaultNav } from "../layout.js";
import { Csrf, ErrorSummary } from "../ui.js";

export interface WizardProps {
  user: { email: string; csrf: string };
  nav: VaultNav;
  base: string;
  draftId: string;
  step: Step;
  values: WizardValues;
  errors: FieldErrors;
  projects: Project[];
  editing?: string | undefined;
  /** A password is sealed in the draft (or saved with the secret, when editing). */
  hasPassword: boolean;
  keepCa: boolean;
  canEditGrants: boolean;
  test?: ConnectionTestResult | undefined;
  testProblem?: string | undefined;
}

const TITLES: Record<Step, string> = {
  connection: "1. Connection",
  shape: "2. Credential Shape",
  policy: "3. Lease Policy",
};

export const FIELD_LABELS: Record<string, string> = {
  secretId: "Secret id",
  project: "Project",
  host: "Host",
  port: "Port",
  database: "Database",
  adminUser: "Admin user",
  adminPassword: "Admin password",
  tlsMode: "TLS mode",
  caPem: "CA certificate",
  passwordLength: "Password length",
  charset: "Charset",
  grants: "Grants",
  lifetime: "Credential lifetime",
  renewWindow: "Renew window",
  hardMax: "Hard maximum",
  maxLogins: "Live login cap",
  mintFresh: "Mint fresh on every read",
  form: "Saving",
};

/** Every step is one form posting to one handler; hidden fields say which step and which draft. */
export function WizardFrame(p: WizardProps & { children?: Child }) {
  const heading = p.editing ? `Edit ${p.editing}` : "New Leased Secret";
  return (
    <Layout title={`${heading} · ${TITLES[p.step]}`} user={p.user} vault={p.nav}>
      <h1>{heading}</h1>
      <ol class="steps" aria-label="Wizard steps">
        {(Object.keys(TITLES) as Step[]).map((s) => (
          <li aria-current={s === p.step ? "step" : undefined}>{TITLES[s]}</li>
        ))}
      </ol>
      <div id="wizard-errors">
        <ErrorSummary errors={p.errors} labels={FIELD_LABELS} />
      </div>
      <form method="post" action={`${p.base}/wizard`} class="card" data-enhance="test" novalidate>
        {/*
          Enter in a field means "Next", not Test connection (the first submit button in the page).
          Browsers still press a default button that is display:none, and it stays out of the
          accessibility tree, so no one hears two "Next" buttons.
        */}
        <button type="submit" name="nav" value={p.step === "policy" ? "create" : "next"} hidden>
          Next
        </button>
        <Csrf token={p.user.csrf} />
        <input type="hidden" name="draft" value={p.draftId} />
        <input type="hidden" name="step" value={p.step} />
        <h2>{TITLES[p.step]}</h2>
        {p.children}
        <div class="actions">
          {p.step !== "connection" ? (
            <button type="submit" name="nav" value="back" class="secondary">
              Back
            </button>
          ) : null}
          {p.step === "policy" ? (
            <button type="submit" name="nav" value="create">
              {p.editing ? "Save changes" : "Create secret"}
            </button>
          ) : (
            <button type="submit" name="nav" value="next">
              Next
            </button>
          )}
          <a href={p.editing ? `${p.base}/secrets/${encodeURIComponent(p.editing)}` : `${p.base}/secrets`}>
            Cancel
          </a>
        </div>
      </form>
    </Layout>
  );
}
