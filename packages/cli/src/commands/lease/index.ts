import type { Command } from "commander";
import { registerLeaseList } from "./list.js";
import { registerLeaseRevoke } from "./revoke.js";

export function registerLease(program: Command): void {
  const lease = program.command("lease").description("leases of minted database logins");
  registerLeaseList(lease);
  registerLeaseRevoke(lease);
}
