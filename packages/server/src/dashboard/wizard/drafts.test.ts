import { describe, expect, it } from "vitest";
import { ManualClock } from "../../clock.js";
import { createTestKeyring } from "../../crypto/index.js";
import { createDraftStore } from "./drafts.js";

describe("wizard drafts", () => {
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const drafts = createDraftStore({ sealer: createTestKeyring(), clock });

  it("keeps the admin password sealed, never as plain text", () => {
    const draft = drafts.open("session-a", "vault_1");
    drafts.setPassword(draft, "hunter2-but-longer");
    expect(JSON.stringify(draft)).not.toContain("hunter2-but-longer");
    expect(drafts.password(draft)).toBe("hunter2-but-longer");
  });

  it("opens only for the session that made it, and forgets it after 30 idle minutes", () => {
    const draft = drafts.open("session-a", "vault_1");
    expect(drafts.get(draft.id, "session-b")).toBeUndefined();
    clock.advance(29 * 60);
    expect(drafts.get(draft.id, "session-a")).toBe(draft);
    clock.advance(29 * 60);
    expect(drafts.get(draft.id, "session-a")).toBe(draft);
    clock.advance(31 * 60);
    expect(drafts.get(draft.id, "session-a")).toBeUndefined();
  });

  it("a sealed password moved to another draft does not open", () => {
    const a = drafts.open("s", "v");
    const b = drafts.open("s", "v");
    drafts.setPassword(a, "only-for-a-draft");
    b.sealedPassword = a.sealedPassword!;
    expect(() => drafts.password(b)).toThrow();
  });
});
