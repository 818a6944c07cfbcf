import { connect } from "node:net";
import postgres from "postgres";

/** Logs in through a real client and returns who the server says we are. */
export async function whoami(url: string): Promise<string> {
  const sql = postgres(url, { max: 1, connect_timeout: 5, onnotice: () => {} });
  try {
    const [row] = await sql<{ user: string }[]>`select current_user as user`;
    return row!.user;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/** The error a login attempt fails with (postgres.js puts the SQLSTATE or errno in `code`). */
export async function loginError(url: string): Promise<{ code?: string; message: string }> {
  try {
    await whoami(url);
  } catch (err) {
    return err as { code?: string; message: string };
  }
  throw new Error("expected the login to be refused");
}

export function acceptsTcp(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
