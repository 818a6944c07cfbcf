import type { ConnectionTestResult } from "@sikkerkey/protocol";
import { ExitSignal } from "../errors.js";
import { EXIT } from "../exit-codes.js";
import { printJson, printLine } from "../output.js";

/** Prints a test-connection result and ends with exit 7 unless every check passed. */
export function reportConnectionTest(result: ConnectionTestResult, json: boolean | undefined): void {
  if (json) {
    printJson(result);
  } else {
    const about = [
      result.serverVersion && `PostgreSQL ${result.serverVersion}`,
      result.superuser !== undefined && (result.superuser ? "superuser" : "not a superuser"),
    ].filter(Boolean);
    if (about.length > 0) printLine(about.join(", "));
    for (const check of result.checks) {
      printLine(`${check.ok ? "✓" : "✗"} ${check.name.replaceAll("_", " ")}: ${check.message}`);
      if (check.fix) printLine(`    fix: ${check.fix}`);
    }
    printLine(result.ok ? "Connection OK." : "Connection not usable: fix the failing checks above.");
  }
  if (!result.ok) throw new ExitSignal(EXIT.CHECK_FAILED);
}
