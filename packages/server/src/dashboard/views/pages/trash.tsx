import type { TrashItem } from "@sikkerkey/protocol";
import { Layout, type VaultNav } from "../layout.js";
import { Badge, Notice, PostButton, Time } from "../ui.js";

export function TrashPage(p: {
  user: { email: string; csrf: string };
  nav: VaultNav;
  base: string;
  items: TrashItem[];
  isAdmin: boolean;
  notice?: string | undefined;
}) {
  return (
    <Layout title={`Trash · ${p.nav.name}`} user={p.user} vault={p.nav}>
      <h1>Trash</h1>
      {p.notice ? <Notice tone="ok">{p.notice}</Notice> : null}
      <p class="muted">
        Deleted secrets wait here. Their database logins were removed when they were deleted; restoring a
        leased secret mints new ones on the next read.
      </p>
      {p.items.length === 0 ? (
        <p>The trash is empty.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Secret</th>
                <th scope="col">Kind</th>
                <th scope="col">Deleted</th>
                {p.isAdmin ? <th scope="col">Actions</th> : null}
              </tr>
            </thead>
            <tbody>
              {p.items.map((item) => {
                const self = `${p.base}/trash/${encodeURIComponent(item.id)}`;
                return (
                  <tr>
                    <td>{item.id}</td>
                    <td>
                      <Badge kind={item.kind} />
                    </td>
                    <td>
                      <Time iso={item.deletedAt} />
                    </td>
                    {p.isAdmin ? (
                      <td class="actions">
                        <PostButton
                          action={`${self}/restore`}
                          csrf={p.user.csrf}
                          label="Restore"
                          ariaLabel={`Restore ${item.id}`}
                        />
                        <PostButton
                          action={`${self}/purge`}
                          csrf={p.user.csrf}
                          label="Purge for good"
                          ariaLabel={`Purge ${item.id} for good`}
                          danger
                        />
                      </td>
                    ) : null}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}
