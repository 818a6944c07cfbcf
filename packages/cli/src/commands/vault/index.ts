import type { Command } from "commander";
import { registerVaultCreate } from "./create.js";
import { registerVaultDelete } from "./delete.js";
import { registerVaultList } from "./list.js";
import { registerMemberAdd } from "./member-add.js";
import { registerMemberList } from "./member-list.js";

export function registerVault(program: Command): void {
  const vault = program.command("vault").description("vaults and their members");
  registerVaultCreate(vault);
  registerVaultList(vault);
  registerVaultDelete(vault);
  const member = vault.command("member").description("operators of a vault");
  registerMemberAdd(member);
  registerMemberList(member);
}
