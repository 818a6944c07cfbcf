import type { Child } from "hono/jsx";

/** A checkbox with its one-line explanation, both read out with it. */
export function Check(p: {
  name: string;
  label: string;
  hint: string;
  checked: boolean;
  error?: string | undefined;
}) {
  const id = `f-${p.name}`;
  return (
    <div class={p.error ? "field has-error" : "field"}>
      {p.error ? (
        <p class="error" id={`${id}-error`}>
          {p.error}
        </p>
      ) : null}
      <div class="check">
        <input
          type="checkbox"
          id={id}
          name={p.name}
          checked={p.checked}
          aria-describedby={`${id}-hint${p.error ? ` ${id}-error` : ""}`}
        />
        <div>
          <label for={id}>{p.label}</label>
          <p class="hint" id={`${id}-hint`}>
            {p.hint}
          </p>
        </div>
      </div>
    </div>
  );
}

/** A select or textarea with a label, hint and error, like `Field` for inputs. */
export function Labelled(p: {
  name: string;
  label: string;
  hint?: Child;
  error?: string | undefined;
  children: Child;
}) {
  const id = `f-${p.name}`;
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
      {p.children}
    </div>
  );
}

export function describedBy(name: string, hint: boolean, error: string | undefined): string | undefined {
  const id = `f-${name}`;
  return [hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;
}
