import type { FuzzCase } from "./cases.js";
import type { Answer } from "./send.js";

/**
 * Failures the fuzz finds in code this test does not own, each with where it is and the fix
 * proposed. They are reported on every run but do not fail it; the long run fails when one no
 * longer happens, so the entry is removed with the fix.
 */
export interface KnownBug {
  id: string;
  where: string;
  fix: string;
  matches(c: FuzzCase, answer: Answer): boolean;
}

export const KNOWN_BUGS: KnownBug[] = [];
