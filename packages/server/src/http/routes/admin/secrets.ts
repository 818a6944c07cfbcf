import { secretCreateSchema, secretUpdateSchema } from "@sikkerkey/protocol";
import { Hono } from "hono";
import type { Services } from "../../../services/index.js";
import type { AppEnv } from "../../env.js";
import { readJson, readQuery } from "../../middleware/body.js";
import { revealQuery, secretListQuery } from "./queries.js";

export function secretRoutes(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { secrets, trash } = services;

  app.get("/", async (c) => c.json(await secrets.list(c.get("operator"), readQuery(c, secretListQuery))));
  app.post("/", async (c) => {
    const { data } = await readJson(c, secretCreateSchema);
    return c.json(await secrets.create(c.get("operator"), data), 201);
  });
  app.get("/:id", async (c) => {
    const { reveal } = readQuery(c, revealQuery);
    return c.json(await secrets.get(c.get("operator"), c.req.param("id"), { reveal }));
  });
  app.patch("/:id", async (c) => {
    const { data } = await readJson(c, secretUpdateSchema);
    return c.json(await secrets.update(c.get("operator"), c.req.param("id"), data));
  });
  app.delete("/:id", async (c) => c.json(await trash.remove(c.get("operator"), c.req.param("id"))));
  return app;
}
