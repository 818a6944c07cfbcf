import type { Command } from "commander";
import { registerSecretCreate } from "./create.js";
import { registerSecretDelete } from "./delete.js";
import { registerSecretGet } from "./get.js";
import { registerSecretList } from "./list.js";
import { registerSecretTestConnection } from "./test-connection.js";
import { registerSecretUpdate } from "./update.js";

export function registerSecret(program: Command): void {
  const secret = program.command("secret").description("structured and leased secrets (operator)");
  registerSecretCreate(secret);
  registerSecretList(secret);
  registerSecretGet(secret);
  registerSecretUpdate(secret);
  registerSecretDelete(secret);
  registerSecretTestConnection(secret);
}
