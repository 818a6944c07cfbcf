import type { EnrollmentToken, Project } from "@sikkerkey/protocol";
import { Check } from "./wizard/fields.js";
import { Csrf, Field, PostButton, Time } from "./ui.js";

/** Tokens a machine enrolls with: only their hashes are kept, so the list never shows one. */
export function EnrollmentTokens(p: {
  base: string;
  csrf: string;
  tokens: EnrollmentToken[];
  projects: Project[];
  isAdmin: boolean;
}) {
  const live = p.tokens.filter((t) => !t.revokedAt);
  return (
    <section aria-labelledby="tokens">
      <h2 id="tokens">Enrollment tokens</h2>
      {live.length === 0 ? (
        <p>No live enrollment tokens.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Token</th>
                <th scope="col">Expires</th>
                <th scope="col">Uses left</th>
                <th scope="col">Approval</th>
                {p.isAdmin ? <th scope="col">Action</th> : null}
              </tr>
            </thead>
            <tbody>
              {live.map((t) => (
                <tr>
                  <td>
                    <code>{t.id}</code>
                  </td>
                  <td>
                    <Time iso={t.expiresAt} />
                  </td>
                  <td>{t.usesLeft}</td>
                  <td>{t.autoApprove ? "automatic" : "by an admin"}</td>
                  {p.isAdmin ? (
                    <td>
                      <PostButton
                        action={`${p.base}/enrollment-tokens/${encodeURIComponent(t.id)}/revoke`}
                        csrf={p.csrf}
                        label="Revoke"
                        ariaLabel={`Revoke ${t.id}`}
                        danger
                      />
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {p.isAdmin ? (
        <form method="post" action={`${p.base}/enrollment-tokens`} class="card">
          <h3>New enrollment token</h3>
          <Csrf token={p.csrf} />
          <Field
            name="ttl"
            label="Valid for"
            value="1d"
            hint="Write 90s, 5m, 1h or 7d (at least one minute)."
          />
          <Field
            name="uses"
            label="Uses"
            value="1"
            inputmode="numeric"
            hint="How many machines may enroll with it."
          />
          <Check
            name="autoApprove"
            label="Approve automatically"
            hint="Machines that enroll with it are enabled at once instead of waiting for approval."
            checked={false}
          />
          <fieldset class="field">
            <legend>Projects the new machines may read</legend>
            {p.projects.length === 0 ? <p class="muted">No projects yet.</p> : null}
            {p.projects.map((pr) => (
              <div class="check">
                <input type="checkbox" id={`f-proj-${pr.id}`} name="projects" value={pr.name} />
                <label for={`f-proj-${pr.id}`}>{pr.name}</label>
              </div>
            ))}
          </fieldset>
          <button type="submit">Create token</button>
        </form>
      ) : null}
    </section>
  );
}
