import type { EnrollmentToken, Machine, Project } from "@sikkerkey/protocol";
import { EnrollmentTokens } from "../enrollment-tokens.js";
import { Layout, type VaultNav } from "../layout.js";
import { Badge, Notice, PostButton, Time } from "../ui.js";

export interface MachinesPageProps {
  user: { email: string; csrf: string };
  nav: VaultNav;
  base: string;
  machines: Machine[];
  tokens: EnrollmentToken[];
  projects: Project[];
  isAdmin: boolean;
  notice?: string | undefined;
}

export function MachinesPage(p: MachinesPageProps) {
  const pending = p.machines.filter((m) => m.status === "pending");
  const link = (m: Machine) => `${p.base}/machines/${encodeURIComponent(m.name)}`;
  return (
    <Layout title={`Machines · ${p.nav.name}`} user={p.user} vault={p.nav}>
      <h1>Machines</h1>
      {p.notice ? <Notice tone="ok">{p.notice}</Notice> : null}
      {pending.length > 0 ? (
        <section aria-labelledby="pending">
          <h2 id="pending">Waiting for approval ({pending.length})</h2>
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Machine</th>
                  <th scope="col">Enrolled</th>
                  {p.isAdmin ? <th scope="col">Decision</th> : null}
                </tr>
              </thead>
              <tbody>
                {pending.map((m) => (
                  <tr>
                    <td>
                      <a href={link(m)}>{m.name}</a>
                    </td>
                    <td>
                      <Time iso={m.createdAt} />
                    </td>
                    {p.isAdmin ? (
                      <td class="actions">
                        <PostButton
                          action={`${link(m)}/approve`}
                          csrf={p.user.csrf}
                          label="Approve"
                          ariaLabel={`Approve ${m.name}`}
                        />
                        <PostButton
                          action={`${link(m)}/disable`}
                          csrf={p.user.csrf}
                          label="Reject"
                          ariaLabel={`Reject ${m.name}`}
                          danger
                        />
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
      <section aria-labelledby="all-machines">
        <h2 id="all-machines">All machines</h2>
        {p.machines.length === 0 ? (
          <p>No machine has enrolled yet. Create an enrollment token below and run the command it shows.</p>
        ) : (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Machine</th>
                  <th scope="col">Status</th>
                  <th scope="col">Last seen</th>
                  <th scope="col">Projects it may read</th>
                </tr>
              </thead>
              <tbody>
                {p.machines.map((m) => (
                  <tr>
                    <td>
                      <a href={link(m)}>{m.name}</a>
                    </td>
                    <td>
                      <Badge kind={m.status} />
                    </td>
                    <td>
                      <Time iso={m.lastSeenAt} />
                    </td>
                    <td>
                      {m.projects.length > 0 ? (
                        m.projects.map((pr) => pr.name).join(", ")
                      ) : (
                        <span class="muted">none</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <EnrollmentTokens
        base={p.base}
        csrf={p.user.csrf}
        tokens={p.tokens}
        projects={p.projects}
        isAdmin={p.isAdmin}
      />
    </Layout>
  );
}
