import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { AppEnv } from "../env.js";
import { requestContext } from "./request-context.js";

function app(trustProxy: boolean) {
  const a = new Hono<AppEnv>();
  a.use(requestContext({ trustProxy }));
  a.get("/", (c) => c.text(c.get("sourceIp") ?? "none"));
  return a;
}

const from = (forwardedFor: string) => ({ headers: { "x-forwarded-for": forwardedFor } });

describe("client address", () => {
  it("behind a trusted proxy, is the hop the proxy appended, not one the client wrote", async () => {
    const res = await app(true).request("/", from("198.51.100.9, 203.0.113.7"));
    expect(await res.text()).toBe("203.0.113.7");
  });

  it("ignores X-Forwarded-For without a trusted proxy, and a hop that is not an address", async () => {
    expect(await (await app(false).request("/", from("203.0.113.7"))).text()).toBe("none");
    expect(await (await app(true).request("/", from("203.0.113.7, evil'--"))).text()).toBe("none");
  });
});
