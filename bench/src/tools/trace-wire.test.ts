import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

const TOOL = fileURLToPath(new URL("./trace-wire.cjs", import.meta.url));

// Run in a child process with the tool preloaded: an HTTP server whose answer carries a secret, a
// client of it, and a fake PostgreSQL server spoken to in the protocol's own messages (a Parse
// with a secret literal, a Bind with a secret parameter, a DataRow with a secret value).
const CHILD = String.raw`
const http = require("node:http");
const net = require("node:net");
const msg = (type, body) => {
  const head = Buffer.alloc(5);
  head.write(type, 0, "latin1");
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
};
const z = (s) => Buffer.from(s + "\0");
const i16 = (n) => { const b = Buffer.alloc(2); b.writeInt16BE(n); return b; };
const i32 = (n) => { const b = Buffer.alloc(4); b.writeInt32BE(n); return b; };
const param = Buffer.from("param-secret");
const request = Buffer.concat([
  msg("P", Buffer.concat([z("s1"), z("insert into t values ($1, 'literal-secret')"), i16(0)])),
  msg("B", Buffer.concat([z(""), z("s1"), i16(0), i16(1), i32(param.length), param, i16(0)])),
  msg("E", Buffer.concat([z(""), i32(0)])),
  msg("S", Buffer.alloc(0)),
]);
const cell = Buffer.from("row-secret");
const answer = Buffer.concat([
  msg("1", Buffer.alloc(0)),
  msg("2", Buffer.alloc(0)),
  msg("D", Buffer.concat([i16(1), i32(cell.length), cell])),
  msg("C", z("INSERT 0 1")),
  msg("Z", Buffer.from("I")),
]);
const pg = net.createServer((s) => s.once("data", () => s.end(answer)));
const web = http.createServer((req, res) => {
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify({ password: "body-secret" }));
});
pg.listen(0, "127.0.0.1", () => web.listen(0, "127.0.0.1", () => {
  const c = net.connect(pg.address().port, "127.0.0.1", () => c.write(request));
  c.once("data", () => {
    c.destroy();
    http.get({ host: "127.0.0.1", port: web.address().port, path: "/v1/secrets/sk_x", headers: { authorization: "Bearer header-secret" } }, (res) => {
      res.resume();
      res.on("end", () => { pg.close(); web.close(); });
    });
  });
}));
`;

describe("trace-wire (development tool)", () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("writes what was said on the wire and when, and none of the values", () => {
    dir = mkdtempSync(join(tmpdir(), "trace-wire-"));
    const run = spawnSync(process.execPath, ["--require", TOOL, "-e", CHILD], {
      env: { ...process.env, TRACE_WIRE_DIR: dir },
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const [file] = readdirSync(dir);
    const log = readFileSync(join(dir, file!), "utf8");
    expect(log).toMatch(
      /^\d+\.\d{3} W \d+ \d+ Parse\[insert into t values \(\$1, '…'\)\] Bind\[insert into t values \(\$1, '…'\)\] E S$/m,
    );
    expect(log).toMatch(/ R \d+ \d+ 1 2 D C\[INSERT 0 1\] Z\[I\]$/m);
    expect(log).toMatch(/ HTTP GET \/v1\/secrets\/sk_x$/m);
    expect(log).toMatch(/ W \d+ \d+ HTTP\/1\.1 200 OK$/m);
    for (const secret of ["literal-secret", "param-secret", "row-secret", "body-secret", "header-secret"]) {
      expect(log).not.toContain(secret);
    }
  });
});
