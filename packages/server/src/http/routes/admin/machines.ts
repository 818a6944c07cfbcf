import { machineGrantSchema } from "@sikkerkey/protocol";
import { type Context, Hono } from "hono";
import type { MachineRef } from "../../../services/machines/machine-service.js";
import type { Services } from "../../../services/index.js";
import type { AppEnv } from "../../env.js";
import { readJson, readQuery } from "../../middleware/body.js";
import { machineListQuery, vaultQuery } from "./queries.js";

/** `{machine}` is an id or a name; `?vault=` settles a name used in several vaults. */
function ref(c: Context<AppEnv>): MachineRef {
  return { machine: c.req.param("machine") ?? "", vault: readQuery(c, vaultQuery).vault };
}

export function machineAdminRoutes(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { machines, grants } = services;

  app.get("/", async (c) => c.json(await machines.list(c.get("operator"), readQuery(c, machineListQuery))));
  app.get("/:machine", async (c) => c.json(await machines.get(c.get("operator"), ref(c))));
  app.post("/:machine/approve", async (c) => c.json(await machines.approve(c.get("operator"), ref(c))));
  app.post("/:machine/disable", async (c) => c.json(await machines.disable(c.get("operator"), ref(c))));
  app.post("/:machine/enable", async (c) => c.json(await machines.enable(c.get("operator"), ref(c))));
  app.post("/:machine/grants", async (c) => {
    const { data } = await readJson(c, machineGrantSchema);
    return c.json(await grants.grant(c.get("operator"), ref(c), data.project));
  });
  app.delete("/:machine/grants/:project", async (c) =>
    c.json(await grants.revoke(c.get("operator"), ref(c), c.req.param("project"))),
  );
  return app;
}
