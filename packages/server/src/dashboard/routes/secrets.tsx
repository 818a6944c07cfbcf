import { fieldsSchema, secretIdSchema } from "@sikkerkey/protocol";
import { Hono } from "hono";
import type { DashboardContext } from "../deps.js";
import type { DashEnv } from "../env.js";
import { type FieldErrors, text } from "../http/form.js";
import { NewSecretPage } from "../views/pages/new-secret.js";
import { SecretsPage } from "../views/pages/secrets.js";
import { StructuredFormPage } from "../views/pages/structured-form.js";
import { render } from "../views/render.js";
import { back, enc, notice, user, vaultPage } from "./common.js";

/** `NAME=value` lines; the first `=` splits, so values may contain `=`. */
function parseFields(textValue: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [index, line] of textValue.split(/\r?\n/).entries()) {
    if (line.trim() === "") continue;
    const at = line.indexOf("=");
    // The line itself is not quoted back: it may be a pasted secret.
    if (at < 1) throw new Error(`line ${index + 1} is not NAME=value`);
    fields[line.slice(0, at).trim()] = line.slice(at + 1);
  }
  return fields;
}

export function secretListRoutes(ctx: DashboardContext): Hono<DashEnv> {
  const app = new Hono<DashEnv>();
  const { secrets, projects } = ctx.services;

  app.get("/vaults/:vault/secrets", async (c) => {
    const v = await vaultPage(c, ctx, "secrets");
    const project = c.req.query("project") || undefined;
    const [projectList, page] = await Promise.all([
      projects.list(c.get("actor"), v.vault.id),
      secrets.list(c.get("actor"), { vault: v.vault.id, project, limit: 500 }),
    ]);
    const props = { user: user(c), nav: v.nav, base: v.base, isAdmin: v.isAdmin, notice: notice(c) };
    return render(
      c,
      <SecretsPage {...props} projects={projectList} project={project} secrets={page.items} />,
    );
  });

  app.get("/vaults/:vault/secrets/new", async (c) => {
    const v = await vaultPage(c, ctx, "secrets");
    return render(
      c,
      <NewSecretPage user={user(c)} nav={v.nav} base={v.base} project={c.req.query("project")} />,
    );
  });

  app.get("/vaults/:vault/secrets/new/structured", async (c) => {
    const v = await vaultPage(c, ctx, "secrets");
    const list = await projects.list(c.get("actor"), v.vault.id);
    const values = { id: "", project: c.req.query("project") ?? list[0]?.name ?? "" };
    return render(
      c,
      <StructuredFormPage user={user(c)} nav={v.nav} base={v.base} projects={list} values={values} />,
    );
  });

  app.post("/vaults/:vault/secrets/new/structured", async (c) => {
    const v = await vaultPage(c, ctx, "secrets");
    const form = c.get("form");
    const values = { id: text(form, "id").trim(), project: text(form, "project") };
    const errors: FieldErrors = {};
    const id = secretIdSchema.safeParse(values.id);
    if (!id.success) errors["id"] = id.error.issues[0]?.message ?? "not a valid id";
    let fields: Record<string, string> = {};
    try {
      const parsed = fieldsSchema.safeParse(parseFields(text(form, "fields")));
      if (parsed.success) fields = parsed.data;
      else errors["fields"] = parsed.error.issues[0]?.message ?? "not valid";
    } catch (error) {
      errors["fields"] = (error as Error).message;
    }
    if (Object.keys(errors).length > 0) {
      const list = await projects.list(c.get("actor"), v.vault.id);
      const page = (
        <StructuredFormPage
          user={user(c)}
          nav={v.nav}
          base={v.base}
          projects={list}
          values={values}
          errors={errors}
        />
      );
      return render(c, page, 400);
    }
    const input = {
      kind: "structured" as const,
      id: values.id,
      vault: v.vault.id,
      project: values.project,
      fields,
    };
    const created = await secrets.create(c.get("actor"), input);
    return back(c, `${v.base}/secrets/${enc(created.id)}`, "secret-created");
  });
  return app;
}
