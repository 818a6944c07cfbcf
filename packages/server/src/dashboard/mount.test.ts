import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../test-support/harness.js";

// Mounted at `/` of the real app, the dashboard must leave the JSON API, health and metrics alone.
describe("the dashboard mounted in the server's app", () => {
  let h: Harness;
  beforeAll(async () => {
    // The composition root mounts the dashboard: this is the app `sikkerkey-server start` serves.
    h = await createHarness();
  });
  afterAll(() => h.close());

  it("serves its pages beside the API", async () => {
    const login = await h.server.app.request("/login");
    expect(login.status).toBe(200);
    expect(login.headers.get("content-type")).toMatch(/^text\/html/);
    expect(login.headers.get("x-request-id")).toMatch(/^req_/);
    expect((await h.server.app.request("/")).status).toBe(303);
  });

  it("leaves API answers as they were: problem+json, no redirect, no dashboard headers", async () => {
    const unauthenticated = await h.server.app.request("/v1/admin/vaults");
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(unauthenticated.headers.get("content-security-policy")).toBeNull();
    const missing = await h.server.app.request("/v1/no/such/route");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    const authorized = await h.admin("GET", "/v1/admin/vaults");
    expect(authorized.status).toBe(200);
    expect((await h.server.app.request("/healthz")).status).toBe(200);
    const posted = await h.admin("POST", "/v1/admin/vaults", { name: "from-api" });
    expect(posted.status).toBe(201);
  });
});
