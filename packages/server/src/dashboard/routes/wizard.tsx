import { statusForCode } from "@sikkerkey/protocol";
import { Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { isSikkerKeyError, SikkerKeyError } from "../../errors.js";
import type { DashboardContext } from "../deps.js";
import type { DashEnv } from "../env.js";
import { type FieldErrors, text } from "../http/form.js";
import { ConnectionStep } from "../views/wizard/connection.js";
import type { WizardProps } from "../views/wizard/frame.js";
import { PolicyStep } from "../views/wizard/policy.js";
import { ShapeStep } from "../views/wizard/shape.js";
import { render } from "../views/render.js";
import { assembleConfig, assemblePatch, stepErrors } from "../wizard/assemble.js";
import type { Draft } from "../wizard/drafts.js";
import { checkConnection } from "../wizard/validate.js";
import { emptyValues, isStep, readStep, STEPS, type Step, valuesFromView } from "../wizard/values.js";
import { back, type Ctx, enc, user, type VaultPage, vaultPage } from "./common.js";
import { secretIn } from "./secret-detail.js";

const VIEWS = { connection: ConnectionStep, shape: ShapeStep, policy: PolicyStep };

export function wizardRoutes(ctx: DashboardContext): Hono<DashEnv> {
  const app = new Hono<DashEnv>();

  /** Creating or editing a leased secret is for the vault's admins (the service agrees). */
  async function adminVault(c: Ctx): Promise<VaultPage> {
    const v = await vaultPage(c, ctx, "secrets");
    if (!v.isAdmin) throw new SikkerKeyError("FORBIDDEN", "leased secrets are set up by the vault's admins");
    return v;
  }

  async function show(
    c: Ctx,
    v: VaultPage,
    draft: Draft | undefined,
    step: Step,
    extra: Partial<Pick<WizardProps, "errors" | "test" | "testProblem">> = {},
    status: ContentfulStatusCode = 200,
  ): Promise<Response> {
    const values = draft?.values ?? { ...emptyValues(), project: c.req.query("project") ?? "" };
    const props: WizardProps = {
      user: user(c),
      nav: v.nav,
      base: v.base,
      draftId: draft?.id ?? "",
      step,
      values,
      errors: extra.errors ?? {},
      projects: await ctx.services.projects.list(c.get("actor"), v.vault.id),
      editing: draft?.editing,
      hasPassword: Boolean(draft?.sealedPassword) || Boolean(draft?.keep?.password),
      keepCa: Boolean(draft?.keep?.ca),
      canEditGrants: v.isOwner,
      test: extra.test ?? (step === "connection" ? draft?.lastTest : undefined),
      testProblem: extra.testProblem,
    };
    if (!props.values.project) props.values = { ...values, project: props.projects[0]?.name ?? "" };
    const View = VIEWS[step];
    return render(c, <View {...props} />, status);
  }

  function draftFor(c: Ctx, v: VaultPage, id: string): Draft {
    const draft = ctx.drafts.get(id, c.get("session").tokenHash);
    if (!draft || draft.vaultId !== v.vault.id) {
      throw new SikkerKeyError(
        "NOT_FOUND",
        "this wizard has expired (30 minutes unused) or belongs to another session; start it again",
      );
    }
    return draft;
  }

  app.get("/vaults/:vault/secrets/new/leased", async (c) =>
    show(c, await adminVault(c), undefined, "connection"),
  );

  app.get("/vaults/:vault/wizard/:draft/:step", async (c) => {
    const v = await adminVault(c);
    const step = c.req.param("step");
    if (!isStep(step)) throw new SikkerKeyError("NOT_FOUND", "no such wizard step");
    return show(c, v, draftFor(c, v, c.req.param("draft")), step);
  });

  app.post("/vaults/:vault/secrets/:id/edit", async (c) => {
    const v = await adminVault(c);
    const secret = await secretIn(ctx, c, v.vault.id);
    if (!secret.leased)
      throw new SikkerKeyError("VALIDATION_FAILED", "only a leased secret has a configuration to edit");
    const draft = ctx.drafts.open(c.get("session").tokenHash, v.vault.id, {
      editing: secret.id,
      values: valuesFromView(secret.id, secret.projectName ?? "", secret.leased),
      keep: { password: true, ca: secret.leased.connection.hasCa },
    });
    return c.redirect(`${v.base}/wizard/${draft.id}/connection`, 303);
  });

  app.post("/vaults/:vault/wizard", async (c) => {
    const v = await adminVault(c);
    const form = c.get("form");
    const step = text(form, "step");
    if (!isStep(step)) throw new SikkerKeyError("VALIDATION_FAILED", "the wizard form is missing its step");
    const posted = text(form, "draft");
    const draft = posted ? draftFor(c, v, posted) : ctx.drafts.open(c.get("session").tokenHash, v.vault.id);
    draft.values = readStep(step, form, draft.values, {
      canEditGrants: v.isOwner,
      editing: Boolean(draft.editing),
    });
    const typed = step === "connection" ? text(form, "adminPassword") : "";
    if (typed) ctx.drafts.setPassword(draft, typed);
    const password = ctx.drafts.password(draft);
    const at = STEPS.indexOf(step);
    const go = (to: Step) => c.redirect(`${v.base}/wizard/${draft.id}/${to}`, 303);
    const nav = text(form, "nav");

    if (nav === "back") return go(STEPS[Math.max(0, at - 1)]!);
    if (nav === "test") return testConnection(c, v, draft, password);
    if (nav === "create") return finish(c, v, draft, password);
    const errors: FieldErrors = stepErrors(step, draft, password);
    if (Object.keys(errors).length > 0) return show(c, v, draft, step, { errors }, 400);
    return go(STEPS[Math.min(STEPS.length - 1, at + 1)]!);
  });

  /** Creates (or saves) the secret; a refusal comes back on the step it concerns. */
  async function finish(c: Ctx, v: VaultPage, draft: Draft, password: string | undefined) {
    const actor = c.get("actor");
    const id = draft.editing ?? draft.values.secretId;
    try {
      if (draft.editing) {
        const patch = assemblePatch(draft, password, v.isOwner);
        if (!patch.ok) return show(c, v, draft, patch.step, { errors: patch.errors }, 400);
        await ctx.leased.updateLeased(actor, draft.editing, patch.value);
      } else {
        const config = assembleConfig(draft, password);
        if (!config.ok) return show(c, v, draft, config.step, { errors: config.errors }, 400);
        const where = { vault: v.vault.id, project: draft.values.project };
        await ctx.leased.createLeased(actor, { id, ...where, leased: config.value });
      }
    } catch (error) {
      if (!isSikkerKeyError(error) || error.code === "INTERNAL") throw error;
      const status = statusForCode(error.code) as ContentfulStatusCode;
      if (error.code === "ALREADY_EXISTS")
        return show(c, v, draft, "connection", { errors: { secretId: error.message } }, status);
      // A changed host, port, database, user or TLS setting needs the password typed again.
      const password = error.fieldErrors?.find((f) => f.path === "leased.connection.adminPassword");
      if (password)
        return show(c, v, draft, "connection", { errors: { adminPassword: password.message } }, status);
      return show(c, v, draft, "policy", { errors: { form: error.message } }, status);
    }
    ctx.drafts.drop(draft.id);
    return back(c, `${v.base}/secrets/${enc(id)}`, draft.editing ? "secret-updated" : "secret-created");
  }

  /** Runs "Test connection" with the draft's details; the page (or the script) shows the result. */
  async function testConnection(c: Ctx, v: VaultPage, draft: Draft, password: string | undefined) {
    if (!password && draft.keep?.password) {
      const testProblem =
        "Enter the admin password to test the changed details (it is not kept unless you save).";
      return show(c, v, draft, "connection", { testProblem }, 400);
    }
    const checked = checkConnection(draft.values, password, { password: false, ca: false });
    if (!checked.ok) return show(c, v, draft, "connection", { errors: checked.errors }, 400);
    try {
      draft.lastTest = await ctx.leased.testConnection(c.get("actor"), checked.value);
    } catch (error) {
      if (!isSikkerKeyError(error) || error.code === "INTERNAL") throw error;
      return show(c, v, draft, "connection", { testProblem: error.message }, 503);
    }
    return show(c, v, draft, "connection");
  }
  return app;
}
