import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { SikkerKey } from "@sikkerkey/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Deployment, deploy, json } from "./support/deployment.js";

// Issue 3's acceptance transcript, through real processes, on both stores.
describe.each(["embedded", "postgres"] as const)("server core transcript on the %s store", (store) => {
  let d: Deployment;
  let home: string;
  beforeAll(async () => {
    d = await deploy(store);
    home = join(d.dir, "m1");
  });
  afterAll(async () => {
    await d?.close();
  });

  it("creates a vault, project and structured secret, enrolls a machine and reads the secret", async () => {
    const vault = json<{ id: string }>(await d.cli(["vault", "create", "prod", "--json"]));
    expect(vault.id).toMatch(/^vault_/);
    json(await d.cli(["project", "create", "api", "--vault", "prod", "--json"]));
    json(
      await d.cli([
        "secret",
        "create",
        "sk_api_keys",
        "--vault",
        "prod",
        "--project",
        "api",
        "--field",
        "STRIPE_KEY=sk_test_123",
        "--json",
      ]),
    );
    const enrollment = json<{ token: string }>(
      await d.cli(["machine", "token", "create", "--vault", "prod", "--auto-approve", "--json"]),
    );
    const enrolled = await d.machine(home, [
      "enroll",
      "--server",
      d.url,
      "--token",
      enrollment.token,
      "--name",
      "m1",
    ]);
    expect(enrolled.code, enrolled.stderr).toBe(0);
    const identity = join(home, "identity.json");
    expect((await stat(identity)).mode & 0o777).toBe(0o600);
    expect((await stat(home)).mode & 0o777).toBe(0o700);
    expect(await readFile(identity, "utf8")).toContain("PRIVATE KEY");

    expect((await d.cli(["machine", "grant", "m1", "--vault", "prod", "--project", "api"])).code).toBe(0);
    const got = await d.machine(home, ["get", "sk_api_keys"]);
    expect(got.code, got.stderr).toBe(0);
    expect(JSON.parse(got.stdout)).toEqual({ STRIPE_KEY: "sk_test_123" });
    const field = await d.machine(home, ["get", "sk_api_keys", "--field", "STRIPE_KEY"]);
    expect(field.stdout).toBe("sk_test_123\n");
  });

  it("reads the same secret through the SDK with the enrolled identity", async () => {
    const sk = new SikkerKey({ home });
    try {
      expect(await sk.getFields("sk_api_keys")).toEqual({ STRIPE_KEY: "sk_test_123" });
      const whole = await sk.get("sk_api_keys");
      expect(whole).toMatchObject({ id: "sk_api_keys", kind: "structured" });
      expect((await sk.whoami()).name).toBe("m1");
    } finally {
      await sk.close();
    }
  });

  it("refuses an unknown secret and a secret without a grant alike", async () => {
    json(await d.cli(["project", "create", "other", "--vault", "prod", "--json"]));
    json(
      await d.cli([
        "secret",
        "create",
        "sk_other",
        "--vault",
        "prod",
        "--project",
        "other",
        "--field",
        "A=b",
        "--json",
      ]),
    );
    const noGrant = await d.machine(home, ["get", "sk_other"]);
    const unknown = await d.machine(home, ["get", "sk_nope"]);
    expect(noGrant.code).toBe(4);
    expect(unknown.code).toBe(4);
    const same = (stderr: string) => stderr.replace(/req_\w+/, "").replace(/sk_other|sk_nope/, "<id>");
    expect(same(noGrant.stderr)).toBe(same(unknown.stderr));
  });

  it("refuses a disabled machine, and the audit chain verifies with every step in it", async () => {
    expect((await d.cli(["machine", "disable", "m1"])).code).toBe(0);
    const refused = await d.machine(home, ["get", "sk_api_keys"]);
    expect(refused.code).not.toBe(0);
    expect(refused.stdout).toBe("");
    expect(refused.stderr).toMatch(/MACHINE_DISABLED|disabled/);

    // The linker runs in the background; give it a moment to link the last events.
    await new Promise((r) => setTimeout(r, 500));
    const verify = json<{ ok: boolean; checked: number }>(await d.cli(["audit", "verify", "--json"]));
    expect(verify.ok).toBe(true);
    const events = json<{ action: string; outcome: string }[]>(
      await d.cli(["audit", "list", "--limit", "200", "--json"]),
    );
    const actions = events.map((e) => `${e.action}:${e.outcome}`);
    for (const expected of [
      "vault.create:success",
      "secret.create:success",
      "enrollment_token.create:success",
      "machine.enroll:success",
      "machine.grant:success",
      "secret.read:success",
      "secret.read_denied:denied",
      "machine.disable:success",
    ]) {
      expect(actions).toContain(expected);
    }
    expect(verify.checked).toBeGreaterThanOrEqual(events.length - 5);
    // Nothing secret reached the audit log.
    const exported = await d.cli(["audit", "export"]);
    expect(exported.stdout).not.toContain("sk_test_123");
    expect(exported.stdout).not.toContain(d.token);
  });

  it("keeps its data across a restart", async () => {
    await d.restart();
    const listed = json<{ id: string }[]>(await d.cli(["secret", "list", "--vault", "prod", "--json"]));
    expect(listed.map((s) => s.id).sort()).toEqual(["sk_api_keys", "sk_other"]);
    expect(json<{ ok: boolean }>(await d.cli(["audit", "verify", "--json"])).ok).toBe(true);
  });
});
