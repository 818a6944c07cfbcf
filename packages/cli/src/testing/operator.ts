import type { FakeServer } from "./fake-server.js";

export const OPERATOR_TOKEN = "sktok_operator_test_token";

/** The environment an operator's shell has: the server and an API token. */
export function operatorEnv(server: FakeServer): Record<string, string> {
  return { SIKKERKEY_SERVER: server.url, SIKKERKEY_TOKEN: OPERATOR_TOKEN };
}
