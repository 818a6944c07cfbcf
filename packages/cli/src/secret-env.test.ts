import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { formatDotenv, formatEnv, secretEnv, shellQuote } from "./secret-env.js";

describe("secret-env", () => {
  it.each(["plain", "it's", "''", "$HOME `id` $(id) \\n", "line\nbreak", ""])(
    "shellQuote(%j) survives a round trip through sh",
    (value) => {
      const out = execFileSync("sh", ["-c", `printf '%s' ${shellQuote(value)}`], { encoding: "utf8" });
      expect(out).toBe(value);
    },
  );

  it("formatEnv exports each variable", () => {
    expect(formatEnv({ A: "1", B: "x y" })).toBe("export A='1'\nexport B='x y'\n");
  });

  it("formatDotenv single-quotes plain values and escapes the rest in double quotes", () => {
    expect(formatDotenv({ A: "$not expanded", B: 'say "hi"\nbye', C: "it's" })).toBe(
      `A='$not expanded'\nB="say \\"hi\\"\\nbye"\nC="it's"\n`,
    );
  });

  it("maps a leased credential to PG* and refuses a field that cannot be a variable", () => {
    expect(
      secretEnv({
        id: "sk_db",
        kind: "leased",
        fields: { host: "h", port: 1, database: "d", username: "u", password: "p" },
      }),
    ).toEqual({ PGHOST: "h", PGPORT: "1", PGDATABASE: "d", PGUSER: "u", PGPASSWORD: "p" });
    expect(() => secretEnv({ id: "sk_x", kind: "structured", fields: { "not-a-name": "v" } })).toThrow(
      /cannot be an environment variable/,
    );
  });
});
