import { describe, expect, it } from "vitest";
import { parseDictionary } from "./structured-fields.js";
import { serializeInnerList, serializeItem } from "./structured-fields-serialize.js";

function member(input: string, key: string) {
  const value = parseDictionary(input).get(key);
  if (!value) throw new Error(`no member ${key}`);
  return value;
}

describe("parseDictionary", () => {
  it("parses a Signature-Input member and re-serialises it byte for byte", () => {
    const text = '("@method" "@path");created=1618884473;keyid="test-key";alg="ed25519"';
    const value = member(`sig1=${text}`, "sig1");
    expect(value.kind).toBe("inner-list");
    if (value.kind !== "inner-list") return;
    expect(value.items.map((i) => i.value)).toEqual([
      { type: "string", value: "@method" },
      { type: "string", value: "@path" },
    ]);
    expect(value.params.get("created")).toEqual({ type: "integer", value: 1618884473 });
    expect(serializeInnerList(value)).toBe(text);
  });

  it("parses every bare item type", () => {
    const dict = parseDictionary('a=1, b=-2.5, c="x\\"y", d=tok/en:1, e=:AQI=:, f=?0, g;p=?1, h=()');
    expect(dict.get("a")).toMatchObject({ value: { type: "integer", value: 1 } });
    expect(dict.get("b")).toMatchObject({ value: { type: "decimal", value: -2.5 } });
    expect(dict.get("c")).toMatchObject({ value: { type: "string", value: 'x"y' } });
    expect(dict.get("d")).toMatchObject({ value: { type: "token", value: "tok/en:1" } });
    expect(dict.get("e")).toMatchObject({ value: { type: "bytes", value: new Uint8Array([1, 2]) } });
    expect(dict.get("f")).toMatchObject({ value: { type: "boolean", value: false } });
    expect(dict.get("g")).toMatchObject({ value: { type: "boolean", value: true } });
    expect(dict.get("h")).toMatchObject({ kind: "inner-list", items: [] });
    const g = dict.get("g");
    if (g?.kind === "item") expect(serializeItem(g)).toBe("?1;p");
  });

  it("accepts the whitespace RFC 8941 allows", () => {
    expect([...parseDictionary("  a=1 ,\tb=( 1  2 );x").keys()]).toEqual(["a", "b"]);
  });

  it.each([
    ["duplicate key (two combined headers)", "sk=:AA==:, sk=:AA==:"],
    ["duplicate parameter", "sk=();created=1;created=2"],
    ["trailing comma", "a=1,"],
    ["leading comma", ",a=1"],
    ["upper-case key", "Sk=1"],
    ["non-ASCII", 'a="é"'],
    ["control character", "a=1\n"],
    ["unterminated string", 'a="x'],
    ["bad escape", 'a="\\n"'],
    ["unterminated inner list", 'a=("x"'],
    ["items not separated", 'a=("x""y")'],
    ["integer with 16 digits", "a=1234567890123456"],
    ["decimal with 4 fraction digits", "a=1.2345"],
    ["trailing dot", "a=1."],
    ["bad boolean", "a=?2"],
    ["unpadded base64", "a=:AQI:"],
    ["non-canonical base64", "a=:AQJ=:"],
    ["garbage after member", "a=1 b=2"],
    ["empty key", "=1"],
  ])("rejects %s", (_, input) => {
    expect(() => parseDictionary(input)).toThrow();
  });
});
