import type { Command } from "commander";
import { registerApiTokenCreate } from "./create.js";
import { registerApiTokenList } from "./list.js";
import { registerApiTokenRevoke } from "./revoke.js";

export function registerApiToken(program: Command): void {
  const token = program.command("token").description("operator API tokens");
  registerApiTokenCreate(token);
  registerApiTokenList(token);
  registerApiTokenRevoke(token);
}
