import { defineConfig } from "drizzle-kit";

// `pnpm --filter @sikkerkey/server db:generate` writes a new migration after a schema change.
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/store/schema/*.ts",
  out: "./migrations",
});
