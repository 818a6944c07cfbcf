import type { ConnectionTestResult } from "@sikkerkey/protocol";
import type { Command } from "commander";
import { UsageError } from "../../errors.js";
import { buildConnection, hasLeasedFlags } from "../../leased/build.js";
import { addConnectionOptions, type ConnectionFlags } from "../../leased/options.js";
import { reportConnectionTest } from "../../leased/report.js";
import { adminClient, type OperatorOptions, seg, withOperatorOptions } from "../../operator.js";
import type { JsonOption } from "../../options.js";

export function registerSecretTestConnection(secret: Command): void {
  const command = secret
    .command("test-connection")
    .description(
      "check that a leased secret's admin role can connect, create logins and revoke them; without an id, check connection flags before creating (exit 0 only when every check passes)",
    )
    .argument("[id]", "leased secret id");
  addConnectionOptions(command).option("--json", "print the result as JSON");
  withOperatorOptions(command).action(
    async (id: string | undefined, opts: OperatorOptions & JsonOption & ConnectionFlags) => {
      const admin = adminClient(opts);
      let result: ConnectionTestResult;
      if (id !== undefined) {
        if (hasLeasedFlags(opts)) {
          throw new UsageError("give a secret id or connection flags (--host, --database, …), not both");
        }
        result = await admin.post<ConnectionTestResult>(`/secrets/${seg(id)}/test-connection`);
      } else {
        result = await admin.post<ConnectionTestResult>("/test-connection", await buildConnection(opts));
      }
      reportConnectionTest(result, opts.json);
    },
  );
}
