import type { AppEnv } from "../http/env.js";
import type { OperatorActor } from "../services/actor.js";
import type { Session } from "./auth/sessions.js";

/** A parsed form: repeated names (checkboxes) arrive as arrays. */
export type FormFields = Record<string, string | string[]>;

/**
 * The dashboard runs inside the main app, whose request-context middleware has already set
 * `requestId` and `sourceIp` (honouring the proxy setting); the rest is the dashboard's own.
 */
export interface DashVariables {
  requestId: string;
  sourceIp: string | null;
  session: Session;
  actor: OperatorActor;
  form: FormFields;
}

export type DashEnv = { Variables: DashVariables; Bindings: AppEnv["Bindings"] };
