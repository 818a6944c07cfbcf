import type { Lease } from "@sikkerkey/protocol";
import { Badge, PostButton, Time } from "./ui.js";

/**
 * Live leases: who holds which login until when. Revoking is for vault admins; so is abandoning a
 * lease stuck in `revoking` (its database unreachable), which tries once more and then gives up.
 */
export function LeasesTable(props: { leases: Lease[]; base: string; csrf: string; canRevoke: boolean }) {
  if (props.leases.length === 0) return <p>No live logins. A machine's first read mints one.</p>;
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Machine</th>
            <th scope="col">Login</th>
            <th scope="col">State</th>
            <th scope="col">Minted</th>
            <th scope="col">Expires</th>
            <th scope="col">Renewals</th>
            {props.canRevoke ? <th scope="col">Action</th> : null}
          </tr>
        </thead>
        <tbody>
          {props.leases.map((l) => (
            <tr>
              <td>{l.machineName ?? l.machineId}</td>
              <td>
                <code>{l.login}</code>
              </td>
              <td>
                <Badge kind={l.state} />
              </td>
              <td>
                <Time iso={l.createdAt} />
              </td>
              <td>
                <Time iso={l.expiresAt} />
              </td>
              <td>{l.renewals}</td>
              {props.canRevoke ? (
                <td>
                  {l.state === "active" ? (
                    <PostButton
                      action={`${props.base}/leases/${encodeURIComponent(l.id)}/revoke`}
                      csrf={props.csrf}
                      label="Revoke"
                      ariaLabel={`Revoke ${l.login}`}
                      hidden={{ secret: l.secretId }}
                      danger
                    />
                  ) : l.state === "revoking" ? (
                    // For a database gone for good: one more attempt, then the server stops trying.
                    <>
                      {l.lastError ? <p class="hint">Last error: {l.lastError}</p> : null}
                      <PostButton
                        action={`${props.base}/leases/${encodeURIComponent(l.id)}/revoke`}
                        csrf={props.csrf}
                        label="Abandon"
                        ariaLabel={`Abandon ${l.login}`}
                        hidden={{ secret: l.secretId, force: "on" }}
                        danger
                      />
                    </>
                  ) : null}
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
