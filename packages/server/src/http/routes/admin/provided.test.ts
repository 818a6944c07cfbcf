import { secretUpdateSchema } from "@sikkerkey/protocol";
import { describe, expect, it } from "vitest";
import { keepProvided } from "./provided.js";

describe("keepProvided", () => {
  // Regression: a PATCH of one policy field reset the other (defaulted) fields.
  it("drops the defaults zod filled into a partial patch", () => {
    const raw = { leased: { policy: { lifetimeSeconds: 600 }, shape: {} } };
    const parsed = secretUpdateSchema.parse(raw);
    expect(parsed.leased?.policy).toHaveProperty("renewOnRead");
    expect(keepProvided(parsed, raw)).toEqual({ leased: { policy: { lifetimeSeconds: 600 }, shape: {} } });
  });

  it("keeps records and arrays whole", () => {
    const raw = { fields: { A: "1", B: "2" } };
    expect(keepProvided(secretUpdateSchema.parse(raw), raw)).toEqual(raw);
  });
});
