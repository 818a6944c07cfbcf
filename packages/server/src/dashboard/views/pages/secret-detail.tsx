import type { Lease, Secret } from "@sikkerkey/protocol";
import { Layout, type VaultNav } from "../layout.js";
import { LeasedConfig } from "../leased-config.js";
import { LeasesTable } from "../leases-table.js";
import { Badge, Notice, PostButton, Time } from "../ui.js";

export interface SecretDetailProps {
  user: { email: string; csrf: string };
  nav: VaultNav;
  base: string;
  secret: Secret;
  leases: Lease[];
  isAdmin: boolean;
  notice?: string | undefined;
}

export function SecretDetailPage(p: SecretDetailProps) {
  const s = p.secret;
  const self = `${p.base}/secrets/${encodeURIComponent(s.id)}`;
  return (
    <Layout title={s.id} user={p.user} vault={p.nav}>
      <h1>
        {s.id} <Badge kind={s.kind} />
      </h1>
      {p.notice ? <Notice tone="ok">{p.notice}</Notice> : null}
      <p class="muted">
        Project {s.projectName ?? s.projectId} · version {s.version} · created <Time iso={s.createdAt} /> ·
        updated <Time iso={s.updatedAt} />
      </p>
      {s.kind === "structured" ? (
        <StructuredFields secret={s} self={self} csrf={p.user.csrf} isAdmin={p.isAdmin} />
      ) : null}
      {s.leased ? <LeasedConfig config={s.leased} /> : null}
      {s.kind === "leased" ? (
        <section aria-labelledby="leases">
          <h2 id="leases">Live leases</h2>
          <LeasesTable leases={p.leases} base={p.base} csrf={p.user.csrf} canRevoke={p.isAdmin} />
          {p.isAdmin && p.leases.length > 0 ? (
            // An incident: every login of this secret goes now; machines get new ones at their next read.
            <div class="actions">
              <PostButton
                action={`${self}/revoke-leases`}
                csrf={p.user.csrf}
                label="Revoke all logins"
                ariaLabel={`Revoke all logins of ${s.id}`}
                danger
              />
            </div>
          ) : null}
        </section>
      ) : null}
      {p.isAdmin ? (
        <div class="actions">
          {s.kind === "leased" ? (
            <PostButton action={`${self}/edit`} csrf={p.user.csrf} label="Edit configuration" />
          ) : null}
          <a class="button secondary" href={`${self}/delete`}>
            Delete…
          </a>
        </div>
      ) : null}
    </Layout>
  );
}

/** Values appear only after the operator asks (a POST, audited as a read), and only in that response. */
function StructuredFields(p: { secret: Secret; self: string; csrf: string; isAdmin: boolean }) {
  const fields = p.secret.fields;
  return (
    <section class="card" aria-labelledby="fields">
      <h2 id="fields">Fields</h2>
      {fields ? (
        <Notice tone="info">
          These values were revealed for you and the reveal was written to the audit log.
        </Notice>
      ) : null}
      <dl class="config">
        {p.secret.fieldNames.map((name) => (
          <>
            <dt>{name}</dt>
            <dd>{fields ? <code>{fields[name] ?? ""}</code> : <span class="muted">hidden</span>}</dd>
          </>
        ))}
      </dl>
      {p.isAdmin && !fields ? (
        <div class="actions">
          <PostButton action={`${p.self}/reveal`} csrf={p.csrf} label="Reveal values" />
        </div>
      ) : null}
    </section>
  );
}
