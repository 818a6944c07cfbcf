import { formatDuration, type LeasedConfigView } from "@sikkerkey/protocol";

const yes = (b: boolean) => (b ? "yes" : "no");
const duration = (s: number | undefined) => (s === undefined ? "—" : formatDuration(s));

/** A leased secret's configuration. The admin password is not in the view, and never shown. */
export function LeasedConfig(props: { config: LeasedConfigView }) {
  const { connection: c, shape: s, policy: p } = props.config;
  return (
    <div class="card">
      <h2>Connection</h2>
      <dl class="config">
        <dt>Host</dt>
        <dd>{c.host}</dd>
        <dt>Port</dt>
        <dd>{c.port}</dd>
        <dt>Database</dt>
        <dd>{c.database}</dd>
        <dt>Admin user</dt>
        <dd>{c.adminUser}</dd>
        <dt>Admin password</dt>
        <dd class="muted">stored encrypted; never shown</dd>
        <dt>TLS</dt>
        <dd>
          {c.tlsMode}
          {c.hasCa ? " (with a CA certificate)" : ""}
        </dd>
      </dl>
      <h2>Credential shape</h2>
      <dl class="config">
        <dt>Password length</dt>
        <dd>{s.passwordLength}</dd>
        <dt>Charset</dt>
        <dd>{s.charset}</dd>
        <dt>Grants</dt>
        <dd>
          {s.grants ? (
            <pre>{s.grants}</pre>
          ) : (
            <span class="muted">none (a login with no extra privileges)</span>
          )}
        </dd>
      </dl>
      <h2>Lease policy</h2>
      <dl class="config">
        <dt>Credential lifetime</dt>
        <dd>{duration(p.lifetimeSeconds)}</dd>
        <dt>Renew on read</dt>
        <dd>
          {yes(p.renewOnRead)}
          {p.renewOnRead && p.renewWindowSeconds !== undefined
            ? `, within ${duration(p.renewWindowSeconds)} of expiry`
            : ""}
        </dd>
        <dt>Hard maximum</dt>
        <dd>{duration(p.hardMaxSeconds)}</dd>
        <dt>Database-native expiry</dt>
        <dd>{yes(p.nativeExpiry)}</dd>
        <dt>Revoke when machine disabled</dt>
        <dd>{yes(p.revokeOnDisable)}</dd>
        <dt>Mint fresh on every read</dt>
        <dd>{yes(p.mintFresh)}</dd>
        <dt>Live login cap</dt>
        <dd>{p.maxLogins ?? "—"}</dd>
      </dl>
    </div>
  );
}
