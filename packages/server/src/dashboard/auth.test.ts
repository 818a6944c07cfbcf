import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DashboardWorld, dashboardWorld, OWNER_EMAIL, PASSWORD } from "./testing/world.js";

describe("dashboard sign-in", () => {
  let w: DashboardWorld;
  beforeAll(async () => {
    w = await dashboardWorld();
  });
  afterAll(() => w.close());

  async function tryPassword(ip: string, password: string, email = OWNER_EMAIL) {
    const b = w.browser(ip);
    await b.page("/login");
    return b.post("/login", { _csrf: b.csrf(), email, password, next: "/vaults/x/secrets" });
  }

  it("sends a visitor without a session to the sign-in page, remembering where they were", async () => {
    const res = await w.browser().request("GET", "/vaults/prod/secrets?project=api");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(
      `/login?next=${encodeURIComponent("/vaults/prod/secrets?project=api")}`,
    );
  });

  it("signs in with the right password: an HttpOnly, SameSite=Strict session cookie and a redirect back", async () => {
    const { res } = await tryPassword("192.0.2.1", PASSWORD);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/vaults/x/secrets");
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith("sikkerkey_session="))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    // Plain HTTP here: a Secure cookie would never come back.
    expect(cookie).not.toMatch(/Secure/);
  });

  it("marks the cookie Secure and __Host- when the request came over TLS (through a trusted proxy)", async () => {
    const b = w.browser("192.0.2.2", { "x-forwarded-proto": "https" });
    await b.page("/login");
    const { res } = await b.post("/login", { _csrf: b.csrf(), email: OWNER_EMAIL, password: PASSWORD });
    const cookie = res.headers.getSetCookie().find((c) => c.includes("session="))!;
    expect(cookie).toMatch(/^__Host-sikkerkey_session=/);
    expect(cookie).toMatch(/Secure/);
    expect((await b.page("/")).res.status).toBe(200);
  });

  it("refuses a wrong password and an unknown email alike, each audited as auth.failed", async () => {
    const wrong = await tryPassword("192.0.2.3", "not the password");
    const unknown = await tryPassword("192.0.2.4", PASSWORD, "nobody@example.com");
    for (const { res, html } of [wrong, unknown]) {
      expect(res.status).toBe(401);
      expect(html).toContain("The email or the password is wrong.");
      expect(res.headers.getSetCookie().some((c) => c.includes("session="))).toBe(false);
    }
    const events = await w.services.audit.query({ action: "auth.failed", limit: 10 });
    const reasons = events.items.map((e) => e.reason);
    expect(reasons).toContain("dashboard sign-in refused: wrong password");
    expect(reasons).toContain("dashboard sign-in refused: unknown email");
    expect(JSON.stringify(events.items)).not.toContain("not the password");
  });

  it("locks an email out after repeated failures, even for the right password, and lets it in after the backoff", async () => {
    const email = await w.operator((await w.services.vaults.create(w.owner, "lockout")).id, "admin");
    for (let i = 0; i < 5; i++)
      expect((await tryPassword(`192.0.2.${10 + i}`, "guess", email)).res.status).toBe(401);
    const sixth = await tryPassword("192.0.2.20", "guess", email);
    expect(sixth.res.status).toBe(429);
    const locked = await tryPassword("192.0.2.21", PASSWORD, email);
    expect(locked.res.status).toBe(429);
    expect(locked.html).toMatch(/Too many failed sign-ins\. Try again in \d+ seconds\./);
    const [event] = (await w.services.audit.query({ action: "auth.failed", limit: 1 })).items;
    expect(event?.reason).toMatch(/locked out/);
    w.clock.advance(120);
    expect((await tryPassword("192.0.2.22", PASSWORD, email)).res.status).toBe(303);
  });

  it("locks a source address out after many failures across emails", async () => {
    const ip = "192.0.2.99";
    for (let i = 0; i <= 20; i++) await tryPassword(ip, "guess", `spray${i}@example.com`);
    expect((await tryPassword(ip, PASSWORD)).res.status).toBe(429);
    expect((await tryPassword("192.0.2.98", PASSWORD)).res.status).toBe(303);
    w.clock.advance(3600);
  });

  it("refuses a sign-in form that did not come from the dashboard (login CSRF)", async () => {
    const b = w.browser();
    const missing = await b.post("/login", { email: OWNER_EMAIL, password: PASSWORD });
    expect(missing.res.status).toBe(403);
    await b.page("/login");
    const forged = await b.post("/login", { _csrf: "v1.forged", email: OWNER_EMAIL, password: PASSWORD });
    expect(forged.res.status).toBe(403);
    // Another browser's token is bound to that browser's cookie.
    const other = w.browser();
    await other.page("/login");
    const stolen = await b.post("/login", { _csrf: other.csrf(), email: OWNER_EMAIL, password: PASSWORD });
    expect(stolen.res.status).toBe(403);
  });

  it("signs out: the session is gone server-side, not only the cookie", async () => {
    const b = await w.signedIn();
    const saved = new Map(b.cookies);
    const { res } = await b.post("/logout", { _csrf: b.csrf() });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/login");
    for (const [k, v] of saved) b.cookies.set(k, v);
    expect((await b.request("GET", "/")).status).toBe(303);
  });

  it("ends an idle session", async () => {
    const b = await w.signedIn();
    w.clock.advance(3601);
    expect((await b.request("GET", "/")).status).toBe(303);
  });
});

describe("first sign-in with an API token", () => {
  let w: DashboardWorld;
  beforeAll(async () => {
    w = await dashboardWorld();
  });
  afterAll(() => w.close());

  it("sets a password with a valid token, signs in, and ends other sessions", async () => {
    const other = await w.signedIn();
    const { token } = await w.services.tokens.create(w.owner, { name: "dashboard" });
    const b = w.browser();
    await b.page("/login/token");
    const password = "a brand new passphrase";
    const { res } = await b.post("/login/token", { _csrf: b.csrf(), token, password, confirm: password });
    expect(res.status).toBe(303);
    expect((await b.page("/")).html).toContain(OWNER_EMAIL);
    expect((await other.request("GET", "/")).status).toBe(303);
    const next = w.browser();
    await next.page("/login");
    const signIn = await next.post("/login", { _csrf: next.csrf(), email: OWNER_EMAIL, password });
    expect(signIn.res.status).toBe(303);
    // Both the password change and the sign-in are in the audit trail, never the password.
    const set = await w.services.audit.query({ action: "operator.password_set", limit: 1 });
    const signedIn = await w.services.audit.query({ action: "auth.signin", limit: 1 });
    expect(set.items[0]?.actor.id).toBe(w.owner.operatorId);
    expect(signedIn.items[0]?.actor.id).toBe(w.owner.operatorId);
    expect(JSON.stringify([set, signedIn])).not.toContain(password);
  });

  it("a vault's invitation signs its new operator in once: setting their password ends it", async () => {
    const email = "invited@example.com";
    await w.services.vaults.create(w.owner, "invited");
    const added = await w.services.members.add(w.owner, "invited", { email, role: "member" });
    const token = added.invitation!.token;
    const b = w.browser();
    await b.page("/login/token");
    const password = "the invited one's passphrase";
    const { res } = await b.post("/login/token", { _csrf: b.csrf(), token, password, confirm: password });
    expect(res.status).toBe(303);
    expect((await b.page("/")).html).toContain(email);
    // Whoever handed the invitation over keeps no way in as them.
    await expect(w.services.tokens.authenticate(token, null)).rejects.toMatchObject({
      code: "UNAUTHENTICATED",
    });
    const again = w.browser();
    await again.page("/login/token");
    const reuse = await again.post("/login/token", {
      _csrf: again.csrf(),
      token,
      password: "someone else's passphrase",
      confirm: "someone else's passphrase",
    });
    expect(reuse.res.status).toBe(401);
    // Their own password is what signs them in now.
    const next = w.browser();
    await next.page("/login");
    expect((await next.post("/login", { _csrf: next.csrf(), email, password })).res.status).toBe(303);
  });

  it("an operator not signed in yet, added to another vault, gets a new invitation that ends the first", async () => {
    const email = "twice-invited@example.com";
    await w.services.vaults.create(w.owner, "first-vault");
    await w.services.vaults.create(w.owner, "second-vault");
    const first = (await w.services.members.add(w.owner, "first-vault", { email, role: "member" }))
      .invitation!;
    const second = (await w.services.members.add(w.owner, "second-vault", { email, role: "owner" }))
      .invitation;
    expect(second?.token).toBeDefined();
    const signIn = async (token: string) => {
      const b = w.browser();
      await b.page("/login/token");
      const password = "a passphrase of their own";
      return (await b.post("/login/token", { _csrf: b.csrf(), token, password, confirm: password })).res
        .status;
    };
    // Whoever was handed the first one does not come into the second vault with it.
    expect(await signIn(first.token)).toBe(401);
    expect(await signIn(second!.token)).toBe(303);
    // Signed in now: adding them elsewhere hands nothing over.
    await w.services.vaults.create(w.owner, "third-vault");
    const third = await w.services.members.add(w.owner, "third-vault", { email, role: "admin" });
    expect(third).not.toHaveProperty("invitation");
  });

  it("an invitation ends after 72 hours", async () => {
    await w.services.vaults.create(w.owner, "late-vault");
    const { invitation } = await w.services.members.add(w.owner, "late-vault", {
      email: "late@example.com",
      role: "member",
    });
    w.clock.advance(72 * 3600);
    const b = w.browser();
    await b.page("/login/token");
    const password = "too late for this one";
    const { res } = await b.post("/login/token", {
      _csrf: b.csrf(),
      token: invitation!.token,
      password,
      confirm: password,
    });
    expect(res.status).toBe(401);
  });

  it("refuses a bad token (audited) and a short or mismatched password", async () => {
    const b = w.browser();
    await b.page("/login/token");
    const bad = await b.post("/login/token", {
      _csrf: b.csrf(),
      token: "skt_nope",
      password: PASSWORD,
      confirm: PASSWORD,
    });
    expect(bad.res.status).toBe(401);
    expect(bad.html).toContain("this API token is not valid");
    const [event] = (await w.services.audit.query({ action: "auth.failed", limit: 1 })).items;
    expect(event?.reason).toBe("unknown token");
    const { token } = await w.services.tokens.create(w.owner, { name: "t2" });
    const short = await b.post("/login/token", {
      _csrf: b.csrf(),
      token,
      password: "short",
      confirm: "short",
    });
    expect(short.res.status).toBe(400);
    expect(short.html).toContain("at least 12 characters");
    const differ = await b.post("/login/token", {
      _csrf: b.csrf(),
      token,
      password: PASSWORD,
      confirm: "x" + PASSWORD,
    });
    expect(differ.html).toContain("the two passwords differ");
  });
});
