import { pgFromInject } from "@sikkerkey/testkit/vitest";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { quoteIdent, quoteLiteral } from "./quote.js";

const nasty = [
  "plain",
  "it's",
  "''",
  "back\\slash",
  "\\'; drop role x; --",
  "E'\\x41'",
  "$$ dollar $$",
  'double "quote"',
  "new\nline\ttab",
  "ünïcødé ✓",
  "a.b",
];

// Every literal is read back by the server itself, under both settings of standard_conforming_strings.
describe("quoteLiteral / quoteIdent against PostgreSQL", () => {
  const pg = pgFromInject();
  const sql = postgres(pg.superuser.url, { max: 1, onnotice: () => {} });
  afterAll(() => sql.end({ timeout: 5 }));

  it.each(["on", "off"])("literals read back unchanged with standard_conforming_strings=%s", async (scs) => {
    await sql.unsafe(`set standard_conforming_strings = ${scs}`);
    for (const value of nasty) {
      const [row] = await sql.unsafe(`select ${quoteLiteral(value)}::text as v`);
      expect(row!.v).toBe(value);
    }
    await sql.unsafe("reset standard_conforming_strings");
  });

  it("identifiers name exactly what they say, dots and quotes included", async () => {
    for (const value of nasty.filter((v) => Buffer.byteLength(v) <= 63)) {
      const [row] = await sql.unsafe(`select 1 as ${quoteIdent(value)}`);
      expect(Object.keys(row!)).toEqual([value]);
    }
  });

  it("refuses what PostgreSQL cannot store", () => {
    expect(() => quoteLiteral("a\0b")).toThrow(TypeError);
    expect(() => quoteIdent("")).toThrow(TypeError);
    expect(() => quoteIdent("a\0")).toThrow(TypeError);
  });
});
