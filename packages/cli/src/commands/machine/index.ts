import type { Command } from "commander";
import { registerMachineGet } from "./get.js";
import { registerMachineGrant } from "./grant.js";
import { registerMachineList } from "./list.js";
import { registerMachineStatus } from "./set-status.js";
import { registerTokenCreate } from "./token-create.js";
import { registerTokenList } from "./token-list.js";
import { registerTokenRevoke } from "./token-revoke.js";
import { registerMachineUngrant } from "./ungrant.js";

export function registerMachine(program: Command): void {
  const machine = program.command("machine").description("machines, their access and enrollment tokens");
  registerMachineList(machine);
  registerMachineGet(machine);
  registerMachineStatus(machine, "approve");
  registerMachineStatus(machine, "disable");
  registerMachineStatus(machine, "enable");
  registerMachineGrant(machine);
  registerMachineUngrant(machine);
  const token = machine.command("token").description("enrollment tokens machines join a vault with");
  registerTokenCreate(token);
  registerTokenList(token);
  registerTokenRevoke(token);
}
