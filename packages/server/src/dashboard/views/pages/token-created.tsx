import { Layout, type VaultNav } from "../layout.js";
import { Notice } from "../ui.js";

/** The token exists in plain text only in this response; the server keeps its hash. */
export function TokenCreatedPage(p: {
  user: { email: string; csrf: string };
  nav: VaultNav;
  base: string;
  token: string;
  serverUrl: string;
}) {
  const command = `sikkerkey enroll --server ${p.serverUrl} --token ${p.token} --name <machine-name>`;
  return (
    <Layout title="Enrollment token" user={p.user} vault={p.nav}>
      <h1>Enrollment token created</h1>
      <Notice tone="info">Copy it now: it is shown only once and cannot be looked up again.</Notice>
      <div class="card">
        <label for="enrollment-token">Token</label>
        <input id="enrollment-token" class="secret-token" readonly value={p.token} />
        <button type="button" class="secondary" data-copy="enrollment-token" hidden>
          Copy token
        </button>
        <h2>On the machine</h2>
        <pre id="enroll-command">{command}</pre>
        <button type="button" class="secondary" data-copy="enroll-command" hidden>
          Copy command
        </button>
      </div>
      <p>
        <a href={`${p.base}/machines`}>Back to the machines</a>
      </p>
    </Layout>
  );
}
