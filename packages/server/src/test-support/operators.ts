import type { Role } from "@sikkerkey/protocol";
import { eq } from "drizzle-orm";
import { schema } from "../store/index.js";
import { expectJson, type Harness } from "./harness.js";

/**
 * Another operator with a token, made a member of `vault` with `role` by the owner. (Operators
 * get tokens through the API only for themselves, so the test asks the service directly.)
 */
export async function operatorWithRole(
  h: Harness,
  vault: string,
  role: Role,
  email = `${role}-${Math.random().toString(36).slice(2, 8)}@example.com`,
): Promise<{ token: string; operatorId: string }> {
  await expectJson(await h.admin("POST", `/v1/admin/vaults/${vault}/members`, { email, role }), 201);
  const [operator] = await h.store.db
    .select()
    .from(schema.operators)
    .where(eq(schema.operators.email, email));
  const created = await h.server.services.tokens.create(
    { operatorId: operator!.id, tokenId: null, sourceIp: null },
    { name: "test" },
  );
  return { token: created.token, operatorId: operator!.id };
}
