import type { Child } from "hono/jsx";
import { CSRF_FIELD } from "../auth/csrf.js";
import type { FieldErrors } from "../http/form.js";

export function Csrf(props: { token: string }) {
  return <input type="hidden" name={CSRF_FIELD} value={props.token} />;
}

/** A one-button form: every state change is a POST with the session's CSRF token. */
export function PostButton(props: {
  action: string;
  csrf: string;
  label: string;
  /** The accessible name when the visible label alone is ambiguous in a list ("Revoke" which?). */
  ariaLabel?: string;
  danger?: boolean;
  hidden?: Record<string, string>;
}) {
  return (
    <form method="post" action={props.action} class="inline">
      <Csrf token={props.csrf} />
      {Object.entries(props.hidden ?? {}).map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
      <button type="submit" class={props.danger ? "danger" : "secondary"} aria-label={props.ariaLabel}>
        {props.label}
      </button>
    </form>
  );
}

export function Badge(props: { kind: string }) {
  return <span class={`badge badge-${props.kind}`}>{props.kind}</span>;
}

export function Notice(props: { tone?: "ok" | "error" | "info"; children?: Child }) {
  const tone = props.tone ?? "info";
  return (
    <div class={`notice notice-${tone}`} role={tone === "error" ? "alert" : "status"}>
      {props.children}
    </div>
  );
}

/** Lists every problem at the top, each a link to its field, as screen-reader users expect. */
export function ErrorSummary(props: { errors: FieldErrors; labels?: Record<string, string> }) {
  const entries = Object.entries(props.errors);
  if (entries.length === 0) return null;
  return (
    <div class="notice notice-error" role="alert" tabindex={-1}>
      <p>Please fix {entries.length === 1 ? "this" : "these"}:</p>
      <ul>
        {entries.map(([field, message]) => (
          <li>
            <a href={`#f-${field}`}>{props.labels?.[field] ?? field}</a>: {message}
          </li>
        ))}
      </ul>
    </div>
  );
}

export interface FieldProps {
  name: string;
  label: string;
  value?: string;
  type?: string;
  hint?: string;
  error?: string | undefined;
  required?: boolean;
  autocomplete?: string;
  readonly?: boolean;
  placeholder?: string;
  inputmode?: "numeric" | "text";
}

/** A labelled input whose hint and error are tied to it with aria-describedby. */
export function Field(p: FieldProps) {
  const id = `f-${p.name}`;
  const described = [p.hint ? `${id}-hint` : "", p.error ? `${id}-error` : ""].filter(Boolean).join(" ");
  return (
    <div class={p.error ? "field has-error" : "field"}>
      <label for={id}>{p.label}</label>
      {p.hint ? (
        <p class="hint" id={`${id}-hint`}>
          {p.hint}
        </p>
      ) : null}
      {p.error ? (
        <p class="error" id={`${id}-error`}>
          {p.error}
        </p>
      ) : null}
      <input
        id={id}
        name={p.name}
        type={p.type ?? "text"}
        value={p.value ?? ""}
        required={p.required}
        readonly={p.readonly}
        autocomplete={p.autocomplete ?? "off"}
        placeholder={p.placeholder}
        inputmode={p.inputmode}
        aria-invalid={p.error ? "true" : undefined}
        aria-describedby={described || undefined}
      />
    </div>
  );
}

/** Times in UTC, the way the audit log and the target database record them. */
export function Time(props: { iso: string | null | undefined }) {
  if (!props.iso) return <span class="muted">—</span>;
  const shown = props.iso.replace("T", " ").replace(/\.\d+Z$|Z$/, " UTC");
  return <time datetime={props.iso}>{shown}</time>;
}
