import type { Command } from "commander";
import { registerAuditExport } from "./export.js";
import { registerAuditList } from "./list.js";
import { registerAuditVerify } from "./verify.js";

export function registerAudit(program: Command): void {
  const audit = program.command("audit").description("the hash-chained audit log");
  registerAuditList(audit);
  registerAuditVerify(audit);
  registerAuditExport(audit);
}
