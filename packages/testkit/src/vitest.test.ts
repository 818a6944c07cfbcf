import { describe, expect, inject, it } from "vitest";
import { loginError, whoami } from "./test-helpers.js";
import { pgFromInject } from "./vitest.js";

describe("pgFromInject", () => {
  it("reaches the project's shared cluster from a test worker", async () => {
    const pg = pgFromInject();
    expect(pg.port).toBe(inject("pg").port);
    expect(await whoami(pg.superuser.url)).toBe(pg.superuser.user);
    expect(inject("pg").logStatements).toBe(true);
  });

  it("creates databases and CREATEROLE admins there", async () => {
    const pg = pgFromInject();
    const database = await pg.createDatabase();
    const admin = await pg.createCreateroleAdmin({ database });
    expect(await whoami(admin.url)).toBe(admin.user);
    expect((await loginError(pg.url({ user: admin.user, password: "nope", database }))).code).toBe("28P01");
  });
});
