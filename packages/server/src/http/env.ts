import type { HttpBindings } from "@hono/node-server";
import type { OperatorActor } from "../services/actor.js";
import type { ReadAhead } from "../services/machine-api/read-service.js";
import type { MachineRow } from "../services/machines/machine-view.js";

/** What middleware hands to routes through the context. */
export interface AppVariables {
  requestId: string;
  sourceIp: string | null;
  operator: OperatorActor;
  machine: MachineRow;
  /** A read's lookup, started beside its nonce's statement (GET /v1/secrets/:id). */
  readAhead: ReadAhead | undefined;
}

/** Bindings are absent when the app is called in-process (`app.request()` in tests). */
export type AppEnv = { Variables: AppVariables; Bindings: Partial<HttpBindings> | undefined };
