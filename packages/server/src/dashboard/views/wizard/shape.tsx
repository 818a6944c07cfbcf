import { Field } from "../ui.js";
import { describedBy, Labelled } from "./fields.js";
import { FIELD_LABELS as L, WizardFrame, type WizardProps } from "./frame.js";

const CHARSETS = [
  ["alphanumeric", "letters and digits: safe in any connection string"],
  ["symbols", "letters, digits and punctuation: more strength per character"],
  ["numbers", "digits only, for clients that cannot take anything else"],
  ["uuid", "a random UUID (the length is fixed by the format)"],
] as const;

const EXAMPLE = "GRANT app_reader TO {{name}};";

/** Step 2. The grants template runs SQL in the target, so only a vault owner may write it. */
export function ShapeStep(p: WizardProps) {
  const v = p.values;
  const e = p.errors;
  return (
    <WizardFrame {...p}>
      <Field
        name="passwordLength"
        label={L.passwordLength!}
        value={v.passwordLength}
        inputmode="numeric"
        hint="16 to 128 characters."
        error={e["passwordLength"]}
      />
      <fieldset class={e["charset"] ? "field has-error" : "field"}>
        <legend>{L.charset}</legend>
        {e["charset"] ? <p class="error">{e["charset"]}</p> : null}
        {CHARSETS.map(([value, hint]) => (
          <div class="check">
            <input
              type="radio"
              id={`f-charset-${value}`}
              name="charset"
              value={value}
              checked={v.charset === value}
            />
            <div>
              <label for={`f-charset-${value}`}>{value}</label>
              <p class="hint">{hint}</p>
            </div>
          </div>
        ))}
      </fieldset>
      <Labelled
        name="grants"
        label={`${L.grants} (optional SQL)`}
        hint={
          p.canEditGrants ? (
            <>
              Runs on each new login; <code>{"{{name}}"}</code> becomes the login's quoted name. Blank: a
              login with no extra privileges. Example: <code>{EXAMPLE}</code>, where <code>app_reader</code>{" "}
              is a role holding the privileges. Prefer such a group role to grants on tables: each live login
              adds an entry to every table it is granted, and PostgreSQL refuses the next grant at about 2,400
              of them.
            </>
          ) : (
            "Only a vault owner may set or change the grants template; you can see it, not edit it."
          )
        }
        error={e["grants"]}
      >
        {p.canEditGrants ? (
          <textarea
            id="f-grants"
            name="grants"
            spellcheck={false}
            aria-describedby={describedBy("grants", true, e["grants"])}
          >
            {v.grants}
          </textarea>
        ) : (
          <textarea id="f-grants" readonly spellcheck={false} aria-describedby="f-grants-hint">
            {v.grants}
          </textarea>
        )}
      </Labelled>
    </WizardFrame>
  );
}
