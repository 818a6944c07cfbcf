import { apiTokenCreateSchema } from "@sikkerkey/protocol";
import { Hono } from "hono";
import type { Services } from "../../../services/index.js";
import type { AppEnv } from "../../env.js";
import { readJson } from "../../middleware/body.js";

export function tokenRoutes(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/", async (c) => c.json({ items: await services.tokens.list(c.get("operator")) }));
  app.post("/", async (c) => {
    const { data } = await readJson(c, apiTokenCreateSchema);
    return c.json(await services.tokens.create(c.get("operator"), data), 201);
  });
  app.delete("/:id", async (c) => c.json(await services.tokens.revoke(c.get("operator"), c.req.param("id"))));
  return app;
}
