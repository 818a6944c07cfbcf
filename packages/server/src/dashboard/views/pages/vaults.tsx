import type { Vault } from "@sikkerkey/protocol";
import { Layout } from "../layout.js";
import { Csrf, Field, Notice } from "../ui.js";

export function VaultsPage(props: {
  user: { email: string; csrf: string };
  vaults: Vault[];
  notice?: string | undefined;
  error?: string | undefined;
  name?: string;
}) {
  return (
    <Layout title="Vaults" user={props.user}>
      <h1>Vaults</h1>
      {props.notice ? <Notice tone="ok">{props.notice}</Notice> : null}
      {props.vaults.length === 0 ? (
        <p>You are not a member of any vault yet. Create one below.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Vault</th>
                <th scope="col">Your role</th>
                <th scope="col">Pages</th>
              </tr>
            </thead>
            <tbody>
              {props.vaults.map((v) => {
                const base = `/vaults/${encodeURIComponent(v.name)}`;
                return (
                  <tr>
                    <td>
                      <a href={`${base}/secrets`}>{v.name}</a>
                    </td>
                    <td>{v.role}</td>
                    <td>
                      <a href={`${base}/machines`}>Machines</a> · <a href={`${base}/trash`}>Trash</a> ·{" "}
                      <a href={`${base}/audit`}>Audit</a>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <section class="card" aria-labelledby="new-vault">
        <h2 id="new-vault">New vault</h2>
        <form method="post" action="/vaults">
          <Csrf token={props.user.csrf} />
          <Field
            name="name"
            label="Name"
            value={props.name}
            hint="Lowercase letters, digits and '-', e.g. prod."
            error={props.error}
            required
          />
          <button type="submit">Create vault</button>
        </form>
      </section>
    </Layout>
  );
}
