import type { ConnectionCheck, ConnectionTestResult } from "@sikkerkey/protocol";
import { Notice } from "../ui.js";

const CHECK_NAMES: Record<ConnectionCheck["name"], string> = {
  connect: "Reach the database server",
  tls: "TLS",
  authenticate: "Sign in as the admin user",
  create_role: "Create logins",
  terminate_sessions: "End a revoked login's sessions",
  drop_role: "Remove logins",
};

/** The headline names the first problem in the operator's words. */
const HEADLINES: Record<ConnectionCheck["name"], string> = {
  connect: "Cannot connect",
  tls: "Cannot set up TLS",
  authenticate: "Bad user name or password",
  create_role: "Cannot create roles",
  terminate_sessions: "Cannot terminate sessions",
  drop_role: "Cannot remove roles",
};

/** Always rendered (empty until a test ran), so the script can swap it in place. */
export function TestResult(p: { result?: ConnectionTestResult | undefined; problem?: string | undefined }) {
  const r = p.result;
  const failed = r?.checks.find((check) => !check.ok);
  return (
    <div id="test-result" aria-live="polite" tabindex={-1}>
      {p.problem ? <Notice tone="error">{p.problem}</Notice> : null}
      {r ? (
        <Notice tone={r.ok ? "ok" : "error"}>
          <p>
            <strong>{r.ok ? "Connection works" : failed ? HEADLINES[failed.name] : "The test failed"}</strong>
            {r.serverVersion ? ` · PostgreSQL ${r.serverVersion}` : ""}
            {r.superuser === undefined
              ? ""
              : r.superuser
                ? " · admin is a superuser"
                : " · admin is not a superuser"}
          </p>
          <ul class="checks">
            {r.checks.map((check) => (
              <li class={check.ok ? "ok" : "fail"}>
                <strong>{CHECK_NAMES[check.name]}</strong>: {check.message}
                {check.fix ? (
                  <>
                    <p>To fix it, run as a superuser:</p>
                    <pre>{check.fix}</pre>
                  </>
                ) : null}
              </li>
            ))}
          </ul>
        </Notice>
      ) : null}
    </div>
  );
}
