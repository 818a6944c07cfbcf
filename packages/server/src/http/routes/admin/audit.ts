import { auditQuerySchema } from "@sikkerkey/protocol";
import { Hono } from "hono";
import { stream } from "hono/streaming";
import type { Services } from "../../../services/index.js";
import type { AppEnv } from "../../env.js";
import { readQuery } from "../../middleware/body.js";

export function auditRoutes(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const access = services.auditAccess;

  app.get("/", async (c) => c.json(await access.query(c.get("operator"), readQuery(c, auditQuerySchema))));
  app.get("/verify", async (c) => c.json(await access.verify(c.get("operator"))));
  app.get("/export", async (c) => {
    // Permission is checked before the first byte: once streaming, a refusal cannot be a 403.
    const events = await access.exportAll(c.get("operator"));
    c.header("content-type", "application/x-ndjson");
    return stream(c, async (out) => {
      for await (const event of events) await out.write(`${JSON.stringify(event)}\n`);
    });
  });
  return app;
}
