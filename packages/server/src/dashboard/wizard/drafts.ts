import { randomBytes } from "node:crypto";
import type { ConnectionTestResult } from "@sikkerkey/protocol";
import type { Clock } from "../../clock.js";
import type { Sealer } from "../../crypto/index.js";
import { emptyValues, type WizardValues } from "./values.js";

export interface Draft {
  id: string;
  /** The session that opened it: a draft id seen by someone else opens nothing. */
  sessionHash: string;
  vaultId: string;
  /** Set when the wizard edits a saved secret instead of creating one. */
  editing?: string;
  /** When editing: a blank password (and CA, if one is saved) keeps the saved one. */
  keep?: { password: boolean; ca: boolean };
  values: WizardValues;
  /** The admin password, sealed; it never goes back into a page. */
  sealedPassword?: string;
  lastTest?: ConnectionTestResult;
  expiresAt: number;
}

export interface DraftStore {
  open(
    sessionHash: string,
    vaultId: string,
    init?: Partial<Pick<Draft, "editing" | "values" | "keep">>,
  ): Draft;
  get(id: string, sessionHash: string): Draft | undefined;
  setPassword(draft: Draft, password: string): void;
  password(draft: Draft): string | undefined;
  drop(id: string): void;
}

/** Long enough to look up a connection detail; short enough that a forgotten tab forgets it. */
const TTL_MS = 30 * 60_000;
/** Memory stays bounded however many wizards are opened. */
const MAX_DRAFTS = 1000;

/**
 * Wizard drafts live in this process's memory, with the admin password sealed under the master
 * key, so values survive moving between steps without the password ever being rendered back
 * into HTML. (Behind several replicas a wizard needs sticky sessions; it is a few minutes' work
 * to redo, and the password is never written anywhere but the secret it ends up in.)
 */
export function createDraftStore(deps: { sealer: Sealer; clock: Clock }): DraftStore {
  const drafts = new Map<string, Draft>();
  const now = () => deps.clock.now().getTime();
  const aad = (id: string) => `dashboard.draft:${id}`;

  function sweep(): void {
    const t = now();
    for (const [id, d] of drafts) if (d.expiresAt <= t) drafts.delete(id);
    while (drafts.size >= MAX_DRAFTS) drafts.delete(drafts.keys().next().value as string);
  }

  return {
    open(sessionHash, vaultId, init = {}) {
      sweep();
      const draft: Draft = {
        id: randomBytes(16).toString("base64url"),
        sessionHash,
        vaultId,
        values: init.values ?? emptyValues(),
        expiresAt: now() + TTL_MS,
        ...(init.editing ? { editing: init.editing } : {}),
        ...(init.keep ? { keep: init.keep } : {}),
      };
      drafts.set(draft.id, draft);
      return draft;
    },
    get(id, sessionHash) {
      const draft = drafts.get(id);
      if (!draft || draft.sessionHash !== sessionHash || draft.expiresAt <= now()) return undefined;
      draft.expiresAt = now() + TTL_MS;
      return draft;
    },
    setPassword(draft, password) {
      draft.sealedPassword = deps.sealer.seal(password, aad(draft.id));
    },
    password(draft) {
      return draft.sealedPassword ? deps.sealer.open(draft.sealedPassword, aad(draft.id)) : undefined;
    },
    drop(id) {
      drafts.delete(id);
    },
  };
}
