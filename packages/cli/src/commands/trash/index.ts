import type { Command } from "commander";
import { registerTrashList } from "./list.js";
import { registerTrashPurge } from "./purge.js";
import { registerTrashRestore } from "./restore.js";

export function registerTrash(program: Command): void {
  const trash = program.command("trash").description("deleted secrets: restore or purge");
  registerTrashList(trash);
  registerTrashRestore(trash);
  registerTrashPurge(trash);
}
