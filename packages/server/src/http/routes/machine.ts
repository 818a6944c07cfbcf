import { enrollRequestSchema } from "@sikkerkey/protocol";
import { Hono } from "hono";
import type { Services } from "../../services/index.js";
import type { AppEnv } from "../env.js";
import { throttleAuthFailures } from "../middleware/auth-throttle.js";
import { bodyBytes, decodeUtf8, limitBody, parseJsonText, validate } from "../middleware/body.js";
import { machineAuth, receivedRequest } from "../middleware/machine-auth.js";

/** The signed machine API: enrollment, whoami, reads. */
export function machineRoutes(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const signed = machineAuth(services.machineAuth, services.authThrottle);

  app.post("/enroll", limitBody, throttleAuthFailures(services.authThrottle, "machine"), async (c) => {
    const body = await bodyBytes(c);
    const input = validate(enrollRequestSchema, parseJsonText(c, decodeUtf8(body)));
    const ctx = { sourceIp: c.get("sourceIp"), path: c.req.path };
    // Proof of possession: the request is signed by the key it asks to enroll.
    const thumbprint = await services.machineAuth.verifyEnrollment(
      receivedRequest(c, body),
      input.publicKeyPem,
      ctx,
    );
    return c.json(await services.enroll.enroll(input, { thumbprint, sourceIp: ctx.sourceIp }), 201);
  });

  app.get("/machines/me", signed, async (c) => {
    return c.json(await services.whoami.whoami(c.get("machine"), { sourceIp: c.get("sourceIp") }));
  });

  // The read's lookup of the secret goes to the store beside the nonce's statement, not after it.
  const signedRead = machineAuth(services.machineAuth, services.authThrottle, (c, machine) =>
    c.set("readAhead", services.reads.lookAhead(machine, c.req.param("id") ?? "")),
  );

  app.get("/secrets/:id", signedRead, async (c) => {
    // Any id goes to the read service, even a malformed one: it answers (and audits) like any
    // secret the machine cannot read, so the shape of an id reveals nothing either.
    return c.json(
      await services.reads.read(c.get("machine"), c.req.param("id"), {
        sourceIp: c.get("sourceIp"),
        ahead: c.get("readAhead"),
      }),
    );
  });

  return app;
}
