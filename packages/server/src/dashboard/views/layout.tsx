import type { Child } from "hono/jsx";
import { CSRF_FIELD } from "../auth/csrf.js";
import { ASSET_PATHS } from "../http/assets.js";

export interface VaultNav {
  name: string;
  role: string;
  active: "secrets" | "machines" | "trash" | "audit";
}

export interface LayoutProps {
  title: string;
  /** Absent on the sign-in pages. */
  user?: { email: string; csrf: string };
  vault?: VaultNav;
  children?: Child;
}

const TABS = [
  ["secrets", "Secrets"],
  ["machines", "Machines"],
  ["trash", "Trash"],
  ["audit", "Audit"],
] as const;

export function Layout(props: LayoutProps) {
  const { vault, user } = props;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · SikkerKey`}</title>
        <link rel="stylesheet" href={ASSET_PATHS.css} />
        <script src={ASSET_PATHS.js} defer />
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="top">
          <a class="brand" href="/">
            SikkerKey
          </a>
          {user ? (
            <nav aria-label="Account" class="account">
              <a href="/">Vaults</a>
              <a href="/audit">Audit</a>
              <span class="who">{user.email}</span>
              <form method="post" action="/logout" class="inline">
                <input type="hidden" name={CSRF_FIELD} value={user.csrf} />
                <button type="submit" class="link">
                  Sign out
                </button>
              </form>
            </nav>
          ) : null}
        </header>
        {vault ? (
          <nav aria-label={`Vault ${vault.name}`} class="tabs">
            <span class="vault-name">
              {vault.name} <small>({vault.role})</small>
            </span>
            {TABS.map(([key, label]) => (
              <a
                href={`/vaults/${encodeURIComponent(vault.name)}/${key}`}
                aria-current={vault.active === key ? "page" : undefined}
              >
                {label}
              </a>
            ))}
          </nav>
        ) : null}
        <main id="main" tabindex={-1}>
          {props.children}
        </main>
      </body>
    </html>
  );
}
