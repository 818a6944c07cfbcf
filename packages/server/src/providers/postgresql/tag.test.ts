import { describe, expect, it } from "vitest";
import { formatTag, parseTag, tagPrefix } from "./tag.js";

const tag = { installId: "inst_1", leaseId: "lease_abc", secretId: "sk_db_prod", machineId: "mach_x" };

describe("role comment tag", () => {
  it("reads as key=value words and parses back", () => {
    expect(formatTag(tag)).toBe(
      "sikkerkey:v1 install=inst_1 lease=lease_abc secret=sk_db_prod machine=mach_x",
    );
    expect(parseTag(formatTag(tag))).toEqual(tag);
  });

  it("survives spaces and = in ids", () => {
    const odd = { ...tag, secretId: "a b=c", machineId: "100%" };
    expect(parseTag(formatTag(odd))).toEqual(odd);
  });

  it("is prefixed per install, and one install's prefix is not another's", () => {
    expect(formatTag(tag).startsWith(tagPrefix("inst_1"))).toBe(true);
    expect(formatTag({ ...tag, installId: "inst_10" }).startsWith(tagPrefix("inst_1"))).toBe(false);
  });

  it("rejects comments that are not ours", () => {
    for (const c of [
      null,
      "",
      "a DBA's note",
      "sikkerkey:v2 install=x lease=y",
      "sikkerkey:v1 install=x",
      "sikkerkey:v1 install=%E0 lease=y secret=s machine=m",
    ]) {
      expect(parseTag(c)).toBeNull();
    }
  });
});
