import type { Lease, Machine, Project } from "@sikkerkey/protocol";
import { Layout, type VaultNav } from "../layout.js";
import { Badge, Csrf, Notice, PostButton, Time } from "../ui.js";

export function MachineDetailPage(p: {
  user: { email: string; csrf: string };
  nav: VaultNav;
  base: string;
  machine: Machine;
  projects: Project[];
  leases: Lease[];
  isAdmin: boolean;
  notice?: string | undefined;
}) {
  const m = p.machine;
  const self = `${p.base}/machines/${encodeURIComponent(m.name)}`;
  const granted = new Set(m.projects.map((pr) => pr.id));
  const grantable = p.projects.filter((pr) => !granted.has(pr.id));
  return (
    <Layout title={m.name} user={p.user} vault={p.nav}>
      <h1>
        {m.name} <Badge kind={m.status} />
      </h1>
      {p.notice ? <Notice tone="ok">{p.notice}</Notice> : null}
      <p class="muted">
        <code>{m.id}</code> · enrolled <Time iso={m.createdAt} /> · last seen <Time iso={m.lastSeenAt} /> ·{" "}
        {p.leases.length} live login{p.leases.length === 1 ? "" : "s"}
      </p>
      {p.isAdmin ? (
        <div class="actions">
          {m.status === "pending" ? (
            <PostButton action={`${self}/approve`} csrf={p.user.csrf} label="Approve" />
          ) : null}
          {m.status === "disabled" ? (
            <PostButton action={`${self}/enable`} csrf={p.user.csrf} label="Enable" />
          ) : (
            <a class="button secondary" href={`${self}/disable`}>
              Disable…
            </a>
          )}
        </div>
      ) : null}
      <section aria-labelledby="access">
        <h2 id="access">Project access</h2>
        {m.projects.length === 0 ? <p>This machine may not read any project yet.</p> : null}
        <ul>
          {m.projects.map((pr) => (
            <li>
              {pr.name}{" "}
              {p.isAdmin ? (
                <PostButton
                  action={`${self}/grants/${encodeURIComponent(pr.name)}/remove`}
                  csrf={p.user.csrf}
                  label="Remove"
                  ariaLabel={`Remove access to ${pr.name}`}
                />
              ) : null}
            </li>
          ))}
        </ul>
        {p.isAdmin && grantable.length > 0 ? (
          <form method="post" action={`${self}/grants`} class="actions">
            <Csrf token={p.user.csrf} />
            <label for="f-grant-project">Grant read access to</label>
            <select id="f-grant-project" name="project">
              {grantable.map((pr) => (
                <option value={pr.name}>{pr.name}</option>
              ))}
            </select>
            <button type="submit">Grant</button>
          </form>
        ) : null}
      </section>
      <section aria-labelledby="machine-leases">
        <h2 id="machine-leases">Live logins</h2>
        {p.leases.length === 0 ? (
          <p>None.</p>
        ) : (
          <ul>
            {p.leases.map((l) => (
              <li>
                <code>{l.login}</code> for{" "}
                <a href={`${p.base}/secrets/${encodeURIComponent(l.secretId)}`}>{l.secretId}</a>, expires{" "}
                <Time iso={l.expiresAt} />
              </li>
            ))}
          </ul>
        )}
      </section>
    </Layout>
  );
}
