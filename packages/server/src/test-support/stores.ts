import { pgFromInject } from "@sikkerkey/testkit/vitest";
import { openStore, type Store } from "../store/index.js";

export interface StoreVariant {
  name: "pglite" | "postgres";
  open(): Promise<Store>;
}

/**
 * One contract, every store: tests that take a Store run on embedded PGlite and on a real
 * PostgreSQL (a fresh database per call, in the cluster testkit started for this run).
 */
export const storeVariants: StoreVariant[] = [
  { name: "pglite", open: () => openStore({ memory: true }) },
  {
    name: "postgres",
    async open() {
      const pg = pgFromInject();
      const database = await pg.createDatabase();
      return openStore({ databaseUrl: pg.url({ database }) });
    },
  },
];
