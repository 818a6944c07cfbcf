import { describe, expect, it } from "vitest";
import type { LeasedConfigService } from "../leased-config/index.js";
import { Background } from "./background.js";
import type { LeaseEngine } from "./engine.js";
import { leaseHooks } from "./wiring.js";

// The hooks that run after a change has committed (trash, policy change) must not answer the
// committed change with an error when their work fails: the client would retry a change that was
// made. The failure goes to the background error report (logged by the composition root) instead.
describe("post-commit lease hooks", () => {
  const failing = () => {
    const reported: unknown[] = [];
    const background = new Background((error) => reported.push(error));
    const boom = async (): Promise<number> => {
      throw new Error("store unreachable");
    };
    const engine = {
      revokeForSecrets: boom,
      revokeUnwanted: boom,
      alignPolicy: boom,
      afterCommit: (work, fallback) => background.afterCommit(work, fallback),
    } as Partial<LeaseEngine> as LeaseEngine;
    return { hooks: leaseHooks(engine, {} as LeasedConfigService), reported };
  };

  it("a failing revocation after the trash commits counts 0 and is reported", async () => {
    const { hooks, reported } = failing();
    expect(await hooks.deletion.afterTrash(["sk_db"])).toBe(0);
    expect(reported).toEqual([new Error("store unreachable")]);
  });

  it("a failing look for unwanted logins or alignment after a policy change is reported", async () => {
    const { hooks, reported } = failing();
    expect(await hooks.policy.afterPolicyChange("sk_db")).toBe(0);
    expect(await hooks.policy.afterExpiryChange("sk_db")).toBe(0);
    expect(reported).toHaveLength(2);
  });

  it("the revocation before the trash still fails the request: nothing is committed yet", async () => {
    const { hooks } = failing();
    await expect(hooks.deletion.beforeTrash(["sk_db"])).rejects.toThrow("store unreachable");
  });
});
