import { Hono } from "hono";
import type { Services } from "../../../services/index.js";
import type { AppEnv } from "../../env.js";
import { readQuery } from "../../middleware/body.js";
import { pageQuery, vaultQuery } from "./queries.js";

export function trashRoutes(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { trash } = services;
  app.get("/", async (c) =>
    c.json(await trash.list(c.get("operator"), readQuery(c, pageQuery.merge(vaultQuery)))),
  );
  app.post("/:id/restore", async (c) => c.json(await trash.restore(c.get("operator"), c.req.param("id"))));
  app.delete("/:id", async (c) => {
    await trash.purge(c.get("operator"), c.req.param("id"));
    return c.body(null, 204);
  });
  return app;
}
