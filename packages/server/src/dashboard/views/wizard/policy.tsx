import { Field } from "../ui.js";
import { Check } from "./fields.js";
import { FIELD_LABELS as L, WizardFrame, type WizardProps } from "./frame.js";

const DURATION = "Write 90s, 5m, 1h or 7d.";

/** Step 3: every option of the product page, each with what it does in one line. */
export function PolicyStep(p: WizardProps) {
  const v = p.values;
  const e = p.errors;
  return (
    <WizardFrame {...p}>
      <Field
        name="lifetime"
        label={L.lifetime!}
        value={v.lifetime}
        hint={`How long a login stays valid (at least one minute). ${DURATION}`}
        error={e["lifetime"]}
      />
      <Check
        name="renewOnRead"
        label="Renew on read"
        hint="Extend the login while a machine keeps reading it, instead of replacing it at expiry."
        checked={v.renewOnRead}
        error={e["renewOnRead"]}
      />
      <Field
        name="renewWindow"
        label={L.renewWindow!}
        value={v.renewWindow}
        hint={`How close to expiry a read renews the login (needs renew on read; shorter than the lifetime). Blank: half the lifetime. ${DURATION}`}
        error={e["renewWindow"]}
      />
      <Field
        name="hardMax"
        label={L.hardMax!}
        value={v.hardMax}
        hint={`Force a fresh login after this long, even under continuous use (not shorter than the lifetime). Blank: no ceiling. ${DURATION}`}
        error={e["hardMax"]}
      />
      <Check
        name="nativeExpiry"
        label="Database-native expiry"
        hint="Give each login a VALID UNTIL that PostgreSQL enforces on its own, even if SikkerKey is down."
        checked={v.nativeExpiry}
        error={e["nativeExpiry"]}
      />
      <Check
        name="revokeOnDisable"
        label="Revoke when machine disabled"
        hint="Remove a machine's login the moment you disable that machine, or take away its access to this secret's project."
        checked={v.revokeOnDisable}
        error={e["revokeOnDisable"]}
      />
      <Check
        name="mintFresh"
        label="Mint fresh on every read"
        hint="Issue a brand-new login on each read instead of reusing one within its lease (cannot be combined with renew on read)."
        checked={v.mintFresh}
        error={e["mintFresh"]}
      />
      <Field
        name="maxLogins"
        label={L.maxLogins!}
        value={v.maxLogins}
        inputmode="numeric"
        hint="At most this many live logins at once, a guard against role explosion in the database. Blank: no cap."
        error={e["maxLogins"]}
      />
    </WizardFrame>
  );
}
