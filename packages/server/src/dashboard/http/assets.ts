import { createHash } from "node:crypto";
import { Hono } from "hono";
import { SCRIPT } from "../assets/script.js";
import { STYLE } from "../assets/style.js";
import type { DashEnv } from "../env.js";

/** Named by content, so browsers may cache them for good and a new version is a new name. */
const fingerprint = (body: string) => createHash("sha256").update(body).digest("hex").slice(0, 12);

const FILES = {
  css: { path: `/assets/dashboard.${fingerprint(STYLE)}.css`, body: STYLE, type: "text/css; charset=utf-8" },
  js: {
    path: `/assets/dashboard.${fingerprint(SCRIPT)}.js`,
    body: SCRIPT,
    type: "text/javascript; charset=utf-8",
  },
} as const;

export const ASSET_PATHS = { css: FILES.css.path, js: FILES.js.path };

export function assetRoutes(): Hono<DashEnv> {
  const app = new Hono<DashEnv>();
  for (const file of Object.values(FILES)) {
    app.get(file.path, (c) =>
      c.body(file.body, 200, {
        "content-type": file.type,
        "cache-control": "public, max-age=31536000, immutable",
      }),
    );
  }
  return app;
}
