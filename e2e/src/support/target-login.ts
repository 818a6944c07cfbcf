import postgres from "postgres";

/** The connection fields a leased secret returns. */
export interface Creds {
  host: string;
  port: number;
  database: string;
  username: string;
  password: string;
}

/** Logs in to the target as a minted login, through a real client, and reads the test table. */
export async function connectAs(c: Creds) {
  const client = postgres({ ...c, user: c.username, max: 1, connect_timeout: 5, onnotice: () => {} });
  try {
    const [row] = await client`select current_user as me, count(*)::int as n from orders`;
    return row as { me: string; n: number };
  } finally {
    await client.end({ timeout: 1 });
  }
}

/** "accepted" when the login works, otherwise the SQLSTATE that refused it (28P01, 28000, …). */
export async function refused(c: Creds): Promise<string> {
  return connectAs(c).then(
    () => "accepted",
    (e: { code?: string }) => e.code ?? "error",
  );
}
