import type { Command } from "commander";
import { registerProjectCreate } from "./create.js";
import { registerProjectDelete } from "./delete.js";
import { registerProjectList } from "./list.js";

export function registerProject(program: Command): void {
  const project = program.command("project").description("projects group the secrets of a vault");
  registerProjectCreate(project);
  registerProjectList(project);
  registerProjectDelete(project);
}
