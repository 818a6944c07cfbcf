import { quoteIdent } from "./quote.js";

const NAME = /\{\{\s*name\s*\}\}/g;

/**
 * The grants template with every `{{name}}` replaced by the login's quoted identifier, or null
 * when there is nothing to run. The whole text then goes to the server as one simple-protocol
 * query, which is what makes several statements and `DO $$ … $$` bodies work: the server's own
 * parser finds the statement boundaries, so nothing here ever splits on `;`.
 */
export function renderGrants(template: string, login: string): string | null {
  if (template.trim() === "") return null;
  const ident = quoteIdent(login);
  return template.replace(NAME, () => ident);
}

/** The 1-based line of a 1-based character position, to point an operator at a template error. */
export function lineOf(text: string, position: number): number {
  let line = 1;
  for (let i = 0; i < Math.min(position - 1, text.length); i++) if (text[i] === "\n") line++;
  return line;
}

/** Runs just before the template, in the mint's transaction: notes its transaction id. */
export const BEFORE_GRANTS = "SELECT set_config('sikkerkey.mint_xid', txid_current()::text, true)";

/**
 * Runs right after the template, still inside the mint's transaction (the mint is one pipeline,
 * so this is checked by the server, not by us between round trips):
 * - the DO block fails the mint when the template ended our transaction (a `COMMIT`, `ROLLBACK`
 *   or `END` in it): the role and the template's first statements are then no longer
 *   all-or-nothing. The noted id is transaction-local, so it is gone too once that happened;
 * - the RESETs undo session state the template set (`SET search_path`, `SET ROLE`…), which would
 *   otherwise outlive the mint on the pooled connection and change what the next template means.
 */
export const AFTER_GRANTS = `DO $sikkerkey$ BEGIN
  IF current_setting('sikkerkey.mint_xid', true) IS DISTINCT FROM txid_current_if_assigned()::text THEN
    RAISE EXCEPTION 'the grants template ended the transaction it runs in';
  END IF;
END $sikkerkey$; RESET ALL; RESET ROLE; RESET SESSION AUTHORIZATION`;
