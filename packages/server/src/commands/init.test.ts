import { stat } from "node:fs/promises";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { initResultSchema } from "@sikkerkey/protocol";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { parseConfig } from "../config.js";
import { runInit } from "./init.js";

describe("sikkerkey-server init", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "sk-init-"));
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await rm(dir, { recursive: true, force: true });
  });

  it("prints the owner's token once as JSON, creates a 0600 key file, and refuses a second run", async () => {
    const out: string[] = [];
    vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
      out.push(String(chunk));
      return true;
    });
    const config = parseConfig({ flags: { dataDir: dir, logLevel: "silent" } });
    await runInit(config, { owner: "ops@example.com", json: true });
    const result = initResultSchema.parse(JSON.parse(out.join("")));
    expect(result).toMatchObject({ email: "ops@example.com" });
    expect(result.token).toMatch(/^skt_/);
    expect((await stat(join(dir, "master.key"))).mode & 0o777).toBe(0o600);

    await expect(runInit(config, { owner: "other@example.com", json: true })).rejects.toMatchObject({
      code: "ALREADY_INITIALIZED",
    });
  });
});
