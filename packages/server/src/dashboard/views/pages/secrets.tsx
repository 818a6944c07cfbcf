import type { Project, Secret } from "@sikkerkey/protocol";
import { Layout, type VaultNav } from "../layout.js";
import { Badge, Csrf, Notice, Time } from "../ui.js";

export interface SecretsPageProps {
  user: { email: string; csrf: string };
  nav: VaultNav;
  base: string;
  projects: Project[];
  project?: string | undefined;
  secrets: Secret[];
  isAdmin: boolean;
  notice?: string | undefined;
}

export function SecretsPage(p: SecretsPageProps) {
  const q = p.project ? `?project=${encodeURIComponent(p.project)}` : "";
  return (
    <Layout title={`Secrets · ${p.nav.name}`} user={p.user} vault={p.nav}>
      <div class="actions">
        <h1>Secrets{p.project ? ` in ${p.project}` : ""}</h1>
        {p.isAdmin && p.projects.length > 0 ? (
          <a class="button" href={`${p.base}/secrets/new${q}`}>
            + New Secret
          </a>
        ) : null}
      </div>
      {p.notice ? <Notice tone="ok">{p.notice}</Notice> : null}
      <nav aria-label="Projects" class="actions">
        <span class="muted">Project:</span>
        <a href={`${p.base}/secrets`} aria-current={p.project ? undefined : "page"}>
          all
        </a>
        {p.projects.map((pr) => (
          <a
            href={`${p.base}/secrets?project=${encodeURIComponent(pr.name)}`}
            aria-current={p.project === pr.name ? "page" : undefined}
          >
            {pr.name}
          </a>
        ))}
      </nav>
      {p.secrets.length === 0 ? (
        <p>
          {p.projects.length === 0
            ? "Create a project first: secrets live in projects."
            : "No secrets here yet."}
        </p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Secret</th>
                <th scope="col">Kind</th>
                <th scope="col">Project</th>
                <th scope="col">Version</th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
              {p.secrets.map((s) => (
                <tr>
                  <td>
                    <a href={`${p.base}/secrets/${encodeURIComponent(s.id)}`}>{s.id}</a>
                  </td>
                  <td>
                    <Badge kind={s.kind} />
                  </td>
                  <td>{s.projectName ?? ""}</td>
                  <td>{s.version}</td>
                  <td>
                    <Time iso={s.updatedAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {p.isAdmin ? (
        <section class="card" aria-labelledby="new-project">
          <h2 id="new-project">New project</h2>
          <form method="post" action={`${p.base}/projects`}>
            <Csrf token={p.user.csrf} />
            <label for="f-project-name">Name</label>
            <p class="hint" id="f-project-name-hint">
              Lowercase letters, digits and '-', e.g. api.
            </p>
            <input id="f-project-name" name="name" required aria-describedby="f-project-name-hint" />
            <div class="actions">
              <button type="submit">Create project</button>
            </div>
          </form>
        </section>
      ) : null}
    </Layout>
  );
}
