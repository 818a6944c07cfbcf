import { pipeline } from "node:stream/promises";
import type { Command } from "commander";
import { adminClient, type OperatorOptions, withOperatorOptions } from "../../operator.js";

export function registerAuditExport(audit: Command): void {
  withOperatorOptions(
    audit.command("export").description("every audit event as NDJSON, oldest first, on stdout"),
  ).action(async (opts: OperatorOptions) => {
    const body = await adminClient(opts).stream("/audit/export");
    // Streamed, not buffered: an audit log can be larger than memory.
    await pipeline(body, process.stdout, { end: false });
  });
}
