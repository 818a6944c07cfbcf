// Type-only: loads vitest's declarations for the augmentation below without importing vitest at
// run time (the global setup runs outside the test runner).
import type {} from "vitest";

/**
 * What the global setup passes to test workers through vitest's `provide`/`inject`; it must be
 * serialisable, so no functions.
 */
export interface ProvidedPg {
  host: string;
  port: number;
  superuserUser: string;
  superuserPassword: string;
  superuserUrl: string;
  logPath: string;
  /** The shared cluster logs every statement, so any test can check its secrets stay out. */
  logStatements: boolean;
}

declare module "vitest" {
  export interface ProvidedContext {
    pg: ProvidedPg;
  }
}
