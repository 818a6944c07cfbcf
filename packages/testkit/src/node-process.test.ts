import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "./free-port.js";
import { runNode, startNodeServer } from "./node-process.js";

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "testkit-proc-"));
  await writeFile(
    join(dir, "echo.mjs"),
    "process.stdin.pipe(process.stdout); process.stderr.write(process.argv[2] ?? ''); process.exitCode = Number(process.env.CODE ?? 0);",
  );
  await writeFile(
    join(dir, "serve.mjs"),
    "import { createServer } from 'node:http'; const s = createServer((q, r) => r.end('ok')).listen(Number(process.argv[2]), '127.0.0.1'); process.on('SIGTERM', () => s.close(() => process.exit(0)));",
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("runNode", () => {
  it("passes stdin, args and env, and reports the exit code", async () => {
    const r = await runNode(join(dir, "echo.mjs"), ["to-stderr"], { input: "to-stdout", env: { CODE: "3" } });
    expect(r).toEqual({ code: 3, stdout: "to-stdout", stderr: "to-stderr" });
  });
});

describe("startNodeServer", () => {
  it("waits until ready and stops the process", async () => {
    const port = await freePort();
    const server = await startNodeServer(join(dir, "serve.mjs"), [String(port)], {
      readyUrl: `http://127.0.0.1:${port}/`,
    });
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe("ok");
    await server.stop();
    expect(server.process.exitCode).toBe(0);
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
  });

  it("fails clearly when the server exits before it is ready", async () => {
    const port = await freePort();
    await expect(
      startNodeServer(join(dir, "echo.mjs"), [], {
        readyUrl: `http://127.0.0.1:${port}/`,
        env: { CODE: "4" },
      }),
    ).rejects.toThrow(/exited with 4/);
  });
});
