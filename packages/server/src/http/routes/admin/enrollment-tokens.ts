import { enrollmentTokenCreateSchema } from "@sikkerkey/protocol";
import { Hono } from "hono";
import type { Services } from "../../../services/index.js";
import type { AppEnv } from "../../env.js";
import { readJson, readQuery } from "../../middleware/body.js";
import { vaultQuery } from "./queries.js";

export function enrollmentTokenRoutes(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const tokens = services.enrollmentTokens;
  app.get("/", async (c) =>
    c.json({ items: await tokens.list(c.get("operator"), readQuery(c, vaultQuery)) }),
  );
  app.post("/", async (c) => {
    const { data } = await readJson(c, enrollmentTokenCreateSchema);
    return c.json(await tokens.create(c.get("operator"), data), 201);
  });
  app.delete("/:id", async (c) => c.json(await tokens.revoke(c.get("operator"), c.req.param("id"))));
  return app;
}
