import type { Machine } from "@sikkerkey/protocol";
import { Layout, type VaultNav } from "../layout.js";
import { Csrf } from "../ui.js";

const logins = (n: number) => `${n} login${n === 1 ? "" : "s"}`;

/** Says what disabling does to the machine's database logins before it is done. */
export function DisableMachinePage(p: {
  user: { email: string; csrf: string };
  nav: VaultNav;
  base: string;
  machine: Machine;
  revokedNow: number;
  keptUntilExpiry: number;
}) {
  const self = `${p.base}/machines/${encodeURIComponent(p.machine.name)}`;
  return (
    <Layout title={`Disable ${p.machine.name}`} user={p.user} vault={p.nav}>
      <h1>Disable {p.machine.name}?</h1>
      <div class="card">
        <p>It can no longer read any secret, starting now.</p>
        <p id="disable-effect">
          {p.revokedNow + p.keptUntilExpiry === 0
            ? "It holds no live database logins."
            : `${logins(p.revokedNow)} will be revoked at once (their secrets revoke on disable); ${logins(p.keptUntilExpiry)} will stay until they expire (their secrets do not).`}
        </p>
        <form method="post" action={`${self}/disable`} class="actions">
          <Csrf token={p.user.csrf} />
          <button type="submit" class="danger">
            Disable {p.machine.name}
          </button>
          <a href={self}>Cancel</a>
        </form>
      </div>
    </Layout>
  );
}
