import type { Project } from "@sikkerkey/protocol";
import type { FieldErrors } from "../../http/form.js";
import { Layout, type VaultNav } from "../layout.js";
import { Csrf, ErrorSummary, Field } from "../ui.js";

const LABELS = { id: "Secret id", project: "Project", fields: "Fields" };

/** The values typed are never sent back into the page: after an error they must be pasted again. */
export function StructuredFormPage(p: {
  user: { email: string; csrf: string };
  nav: VaultNav;
  base: string;
  projects: Project[];
  values: { id: string; project: string };
  errors?: FieldErrors;
}) {
  const errors = p.errors ?? {};
  return (
    <Layout title="New structured secret" user={p.user} vault={p.nav}>
      <h1>New structured secret</h1>
      <ErrorSummary errors={errors} labels={LABELS} />
      <form method="post" action={`${p.base}/secrets/new/structured`} class="card">
        <Csrf token={p.user.csrf} />
        <Field
          name="id"
          label={LABELS.id}
          value={p.values.id}
          hint="Readable and stable, e.g. sk_stripe. Lowercase letters, digits, '_' and '-'."
          error={errors["id"]}
          required
        />
        <div class="field">
          <label for="f-project">{LABELS.project}</label>
          <select id="f-project" name="project">
            {p.projects.map((pr) => (
              <option value={pr.name} selected={pr.name === p.values.project}>
                {pr.name}
              </option>
            ))}
          </select>
        </div>
        <div class={errors["fields"] ? "field has-error" : "field"}>
          <label for="f-fields">{LABELS.fields}</label>
          <p class="hint" id="f-fields-hint">
            One per line as NAME=value, e.g. STRIPE_KEY=sk_live_…
            {errors["fields"] ? " Values are not shown again: paste them anew." : ""}
          </p>
          {errors["fields"] ? (
            <p class="error" id="f-fields-error">
              {errors["fields"]}
            </p>
          ) : null}
          <textarea
            id="f-fields"
            name="fields"
            required
            aria-describedby="f-fields-hint"
            spellcheck={false}
          />
        </div>
        <div class="actions">
          <button type="submit">Create secret</button>
          <a href={`${p.base}/secrets`}>Cancel</a>
        </div>
      </form>
    </Layout>
  );
}
