import { CSRF_FIELD } from "../../auth/csrf.js";
import { MIN_PASSWORD_LENGTH } from "../../auth/operator-password.js";
import type { FieldErrors } from "../../http/form.js";
import { Layout } from "../layout.js";
import { ErrorSummary, Field, Notice } from "../ui.js";

const LABELS = { token: "API token", password: "New password", confirm: "Repeat the password" };

/** First sign-in: the API token proves who you are, then you choose a dashboard password. */
export function TokenSignInPage(props: { csrf: string; errors?: FieldErrors; problem?: string }) {
  const errors = props.errors ?? {};
  return (
    <Layout title="Set a password">
      <div class="card narrow">
        <h1>Set a dashboard password</h1>
        <p>
          Paste an API token of yours (<code>sikkerkey-server init</code> printed the first one) and choose a
          password for the dashboard. Setting it signs out every other dashboard session of yours.
        </p>
        {props.problem ? <Notice tone="error">{props.problem}</Notice> : null}
        <ErrorSummary errors={errors} labels={LABELS} />
        <form method="post" action="/login/token">
          <input type="hidden" name={CSRF_FIELD} value={props.csrf} />
          <Field name="token" label={LABELS.token} type="password" error={errors["token"]} required />
          <Field
            name="password"
            label={LABELS.password}
            type="password"
            autocomplete="new-password"
            hint={`At least ${MIN_PASSWORD_LENGTH} characters. A passphrase works well.`}
            error={errors["password"]}
            required
          />
          <Field
            name="confirm"
            label={LABELS.confirm}
            type="password"
            autocomplete="new-password"
            error={errors["confirm"]}
            required
          />
          <div class="actions">
            <button type="submit">Set password and sign in</button>
            <a href="/login">Back to sign-in</a>
          </div>
        </form>
      </div>
    </Layout>
  );
}
