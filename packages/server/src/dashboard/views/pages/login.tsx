import { CSRF_FIELD } from "../../auth/csrf.js";
import { Layout } from "../layout.js";
import { Field, Notice } from "../ui.js";

export function LoginPage(props: { csrf: string; next: string; email?: string; problem?: string }) {
  return (
    <Layout title="Sign in">
      <div class="card narrow">
        <h1>Sign in</h1>
        {props.problem ? <Notice tone="error">{props.problem}</Notice> : null}
        <form method="post" action="/login">
          <input type="hidden" name={CSRF_FIELD} value={props.csrf} />
          <input type="hidden" name="next" value={props.next} />
          <Field
            name="email"
            label="Email"
            type="email"
            value={props.email}
            autocomplete="username"
            required
          />
          <Field name="password" label="Password" type="password" autocomplete="current-password" required />
          <div class="actions">
            <button type="submit">Sign in</button>
          </div>
        </form>
        <p class="muted">
          First time here, or forgot your password?{" "}
          <a href="/login/token">Set a password with your API token</a> (the one{" "}
          <code>sikkerkey-server init</code> printed).
        </p>
      </div>
    </Layout>
  );
}
