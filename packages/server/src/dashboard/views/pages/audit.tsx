import { AUDIT_ACTIONS, type AuditEvent, type AuditVerify } from "@sikkerkey/protocol";
import { Layout, type VaultNav } from "../layout.js";
import { Badge, Notice, Time } from "../ui.js";

export interface AuditFilters {
  actor: string;
  machine: string;
  secret: string;
  action: string;
}

export function AuditPage(p: {
  user: { email: string; csrf: string };
  nav?: VaultNav | undefined;
  path: string;
  filters: AuditFilters;
  events: AuditEvent[];
  nextCursor?: string | undefined;
  verify: AuditVerify | "not-owner";
}) {
  const f = p.filters;
  const more = new URLSearchParams({ ...f, cursor: p.nextCursor ?? "" });
  return (
    <Layout title="Audit" user={p.user} {...(p.nav ? { vault: p.nav } : {})}>
      <h1>Audit{p.nav ? ` · ${p.nav.name}` : ""}</h1>
      <ChainStatus verify={p.verify} />
      <form method="get" action={p.path} class="card filters" aria-label="Filter the timeline">
        <div>
          <label for="f-actor">Actor id</label>
          <input id="f-actor" name="actor" value={f.actor} placeholder="op_… or mach_…" />
        </div>
        <div>
          <label for="f-machine">Machine</label>
          <input id="f-machine" name="machine" value={f.machine} placeholder="name or id" />
        </div>
        <div>
          <label for="f-secret">Secret</label>
          <input id="f-secret" name="secret" value={f.secret} />
        </div>
        <div>
          <label for="f-action">Action</label>
          <select id="f-action" name="action">
            <option value="">any</option>
            {AUDIT_ACTIONS.map((a) => (
              <option value={a} selected={a === f.action}>
                {a}
              </option>
            ))}
          </select>
        </div>
        <div>
          <button type="submit">Filter</button> <a href={p.path}>Clear</a>
        </div>
      </form>
      {p.events.length === 0 ? (
        <p>No events match.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Action</th>
                <th scope="col">Actor</th>
                <th scope="col">Machine</th>
                <th scope="col">Secret</th>
                <th scope="col">Login</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {p.events.map((e) => (
                <tr>
                  <td>
                    <Time iso={e.at} />
                  </td>
                  <td>
                    <code>{e.action}</code>{" "}
                    {e.outcome === "success" ? null : (
                      <Badge kind={e.outcome === "denied" ? "disabled" : "failed"} />
                    )}
                  </td>
                  <td>
                    {e.actor.type}
                    {e.actor.id ? <code> {e.actor.id}</code> : null}
                  </td>
                  <td>{e.machineId ? <code>{e.machineId}</code> : ""}</td>
                  <td>{e.secretId ?? ""}</td>
                  <td>{e.login ? <code>{e.login}</code> : ""}</td>
                  <td>{e.reason ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {p.nextCursor ? <a href={`${p.path}?${more.toString()}`}>Older events →</a> : null}
    </Layout>
  );
}

function ChainStatus(p: { verify: AuditVerify | "not-owner" }) {
  const v = p.verify;
  if (v === "not-owner") {
    return <Notice tone="info">Verifying the whole hash chain is for the installation owner.</Notice>;
  }
  if (v.ok) {
    return (
      <Notice tone="ok">
        Hash chain verified: {v.checked} events intact
        {v.unlinked > 0 ? `; ${v.unlinked} newest not linked yet` : ""}.
      </Notice>
    );
  }
  return (
    <Notice tone="error">
      Hash chain broken at event {v.firstBroken?.seq}: {v.firstBroken?.reason}. Events were edited or deleted.
    </Notice>
  );
}
