import { Layout, type VaultNav } from "../layout.js";

/** "+ New Secret" → Structured or Leased Secret, as the product page describes. */
export function NewSecretPage(p: {
  user: { email: string; csrf: string };
  nav: VaultNav;
  base: string;
  project?: string | undefined;
}) {
  const q = p.project ? `?project=${encodeURIComponent(p.project)}` : "";
  return (
    <Layout title="New secret" user={p.user} vault={p.nav}>
      <h1>New secret</h1>
      <div class="card">
        <h2>Structured secret</h2>
        <p>Named fields you set yourself (API keys, passwords), encrypted at rest.</p>
        <a class="button secondary" href={`${p.base}/secrets/new/structured${q}`}>
          Structured
        </a>
      </div>
      <div class="card">
        <h2>Leased Secret</h2>
        <p>
          A PostgreSQL login minted on demand for each machine that reads it, which expires and is removed on
          its own. Three steps: connection, credential shape, lease policy.
        </p>
        <a class="button" href={`${p.base}/secrets/new/leased${q}`}>
          Leased Secret
        </a>
      </div>
    </Layout>
  );
}
