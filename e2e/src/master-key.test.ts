import { randomBytes } from "node:crypto";
import { access, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, runNode, startNodeServer } from "@sikkerkey/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SERVER_BIN } from "./support/bins.js";
import { type Deployment, deploy, json } from "./support/deployment.js";

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

// `sikkerkey-server start` as an operator runs it, on an embedded store holding a sealed secret.
describe("start with the master key the store was sealed with, and without it", () => {
  let d: Deployment;
  let dataDir: string;
  let port: number;
  beforeAll(async () => {
    d = await deploy("embedded");
    dataDir = join(d.dir, "data");
    port = Number(new URL(d.url).port);
    json(await d.cli(["vault", "create", "prod", "--json"]));
    json(await d.cli(["project", "create", "api", "--vault", "prod", "--json"]));
    json(
      await d.cli([
        "secret",
        "create",
        "sk_api",
        "--vault",
        "prod",
        "--project",
        "api",
        "--field",
        "K=v1",
        "--json",
      ]),
    );
    await d.server.stop();
  });
  afterAll(async () => {
    await d?.close();
  });

  const start = (masterKeyFile: string) =>
    runNode(
      SERVER_BIN,
      ["start", "--data-dir", dataDir, "--listen", `127.0.0.1:${port}`, "--master-key-file", masterKeyFile],
      { timeoutMs: 30_000 },
    );
  const revealed = async () =>
    json<{ fields: Record<string, string> }>(await d.cli(["secret", "get", "sk_api", "--reveal", "--json"]))
      .fields;

  it("refuses another key: exit 2, a message naming key ids, nothing listening", async () => {
    const other = join(d.dir, "other.key");
    const key = randomBytes(32).toString("base64");
    await writeFile(other, `${key}\n`, { mode: 0o600 });
    const result = await start(other);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^sikkerkey-server: the store's secrets are sealed with mk_[0-9a-f]{16}, which this server does not have/,
    );
    expect(result.stderr).not.toContain(key);
    await expect(fetch(`${d.url}/readyz`)).rejects.toThrow();
  });

  it("refuses a mistyped key file path and creates no key file there", async () => {
    const typo = join(dataDir, "master.kye");
    const result = await start(typo);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`there is no key file at ${typo}, and none was created`);
    expect(await exists(typo)).toBe(false);
  });

  it("starts with the right key", async () => {
    await d.restart();
    expect(await revealed()).toEqual({ K: "v1" });
    await d.server.stop();
  });

  it("starts mid-rotation: a new active key above the one that sealed the values", async () => {
    const keyFile = join(dataDir, "master.key");
    const old = await readFile(keyFile, "utf8");
    await writeFile(keyFile, `${randomBytes(32).toString("base64")}\n${old}`, { mode: 0o600 });
    await d.restart();
    expect(await revealed()).toEqual({ K: "v1" });
  });
});

describe("first start on a fresh data dir", () => {
  let dir: string;
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("starts and creates its key file, as before", async () => {
    dir = await mkdtemp(join(tmpdir(), "sikkerkey-e2e-fresh-"));
    const dataDir = join(dir, "data");
    const port = await freePort();
    const server = await startNodeServer(
      SERVER_BIN,
      ["start", "--data-dir", dataDir, "--listen", `127.0.0.1:${port}`],
      {
        readyUrl: `http://127.0.0.1:${port}/readyz`,
      },
    );
    await server.stop();
    expect((await readFile(join(dataDir, "master.key"), "utf8")).trim()).toHaveLength(44);
  });
});
