import { Field } from "../ui.js";
import { describedBy, Labelled } from "./fields.js";
import { FIELD_LABELS as L, WizardFrame, type WizardProps } from "./frame.js";
import { TestResult } from "./test-result.js";

const TLS_HINT =
  "disable: plain TCP · require: encrypted, certificate not checked · verify-full: encrypted and the server certificate checked against the CA below";

/** Step 1. The admin password input is always empty: a saved one is only ever mentioned. */
export function ConnectionStep(p: WizardProps) {
  const v = p.values;
  const e = p.errors;
  const passwordHint = p.hasPassword
    ? p.editing
      ? "Leave blank to keep the saved password."
      : "A password is held for this wizard (not shown). Leave blank to keep it."
    : "A role that can create and remove logins (CREATEROLE or SUPERUSER). Stored encrypted, never shown again.";
  return (
    <WizardFrame {...p}>
      {p.editing ? null : (
        <>
          <Field
            name="secretId"
            label={L.secretId!}
            value={v.secretId}
            error={e["secretId"]}
            hint="Readable and stable, e.g. sk_db_prod."
          />
          <Labelled name="project" label={L.project!} error={e["project"]}>
            <select
              id="f-project"
              name="project"
              aria-describedby={describedBy("project", false, e["project"])}
            >
              {p.projects.map((pr) => (
                <option value={pr.name} selected={pr.name === v.project}>
                  {pr.name}
                </option>
              ))}
            </select>
          </Labelled>
        </>
      )}
      <Field
        name="host"
        label={L.host!}
        value={v.host}
        error={e["host"]}
        hint="Where the database is reachable from this server."
      />
      <Field
        name="port"
        label={L.port!}
        value={v.port}
        error={e["port"]}
        inputmode="numeric"
        hint="5432 by default."
      />
      <Field name="database" label={L.database!} value={v.database} error={e["database"]} />
      <Field name="adminUser" label={L.adminUser!} value={v.adminUser} error={e["adminUser"]} />
      <div id="password-field">
        <Field
          name="adminPassword"
          label={L.adminPassword!}
          type="password"
          value=""
          autocomplete="new-password"
          hint={passwordHint}
          error={e["adminPassword"]}
        />
      </div>
      <Labelled name="tlsMode" label={L.tlsMode!} hint={TLS_HINT} error={e["tlsMode"]}>
        <select id="f-tlsMode" name="tlsMode" aria-describedby={describedBy("tlsMode", true, e["tlsMode"])}>
          {["disable", "require", "verify-full"].map((mode) => (
            <option value={mode} selected={mode === v.tlsMode}>
              {mode}
            </option>
          ))}
        </select>
      </Labelled>
      <Labelled
        name="caPem"
        label={L.caPem!}
        hint={
          p.keepCa
            ? "A CA certificate is saved; paste a new one to replace it."
            : "PEM. Needed for verify-full."
        }
        error={e["caPem"]}
      >
        <textarea
          id="f-caPem"
          name="caPem"
          spellcheck={false}
          aria-describedby={describedBy("caPem", true, e["caPem"])}
        >
          {v.caPem}
        </textarea>
      </Labelled>
      <div class="actions">
        <button type="submit" name="nav" value="test" class="secondary">
          Test connection
        </button>
        <span class="muted">
          Checks the details and that the role can create and remove logins (nothing is kept).
        </span>
      </div>
      <TestResult result={p.test} problem={p.testProblem} />
    </WizardFrame>
  );
}
