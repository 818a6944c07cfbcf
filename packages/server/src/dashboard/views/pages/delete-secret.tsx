import type { Secret } from "@sikkerkey/protocol";
import { Layout, type VaultNav } from "../layout.js";
import { Csrf } from "../ui.js";

/** Says exactly what deleting does before it is done: how many database logins go with it. */
export function DeleteSecretPage(p: {
  user: { email: string; csrf: string };
  nav: VaultNav;
  base: string;
  secret: Secret;
  liveLogins: number;
}) {
  const s = p.secret;
  const self = `${p.base}/secrets/${encodeURIComponent(s.id)}`;
  const where = s.leased ? ` in database ${s.leased.connection.database} on ${s.leased.connection.host}` : "";
  return (
    <Layout title={`Delete ${s.id}`} user={p.user} vault={p.nav}>
      <h1>Delete {s.id}?</h1>
      <div class="card">
        {s.kind === "leased" ? (
          <p>
            Deleting <strong>{s.id}</strong> first removes its{" "}
            <strong id="logins-to-remove">
              {p.liveLogins} live login{p.liveLogins === 1 ? "" : "s"}
            </strong>
            {where} (machines using them are cut off at once), then moves the secret to the trash.
          </p>
        ) : (
          <p>
            <strong>{s.id}</strong> moves to the trash. Machines can no longer read it; you can restore it
            from the trash.
          </p>
        )}
        <form method="post" action={`${self}/delete`} class="actions">
          <Csrf token={p.user.csrf} />
          <button type="submit" class="danger">
            {s.kind === "leased"
              ? `Remove ${p.liveLogins} login${p.liveLogins === 1 ? "" : "s"} and delete`
              : "Delete"}
          </button>
          <a href={self}>Cancel</a>
        </form>
      </div>
    </Layout>
  );
}
