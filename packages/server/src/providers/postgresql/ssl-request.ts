import { connect } from "node:net";

/**
 * Asks the server whether it speaks TLS, as libpq does first: an 8-byte SSLRequest, answered by
 * one byte, `S` or `N`. Done before the real connection so "TLS is off on the server" is told
 * apart from "nothing is listening" and from a certificate problem; postgres.js reports all three
 * as a failed socket. Rejects with the socket's error when the server cannot be reached.
 */
export function serverAcceptsTls(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const done = (fn: () => void) => {
      socket.destroy();
      fn();
    };
    socket.setTimeout(timeoutMs, () =>
      done(() => reject(Object.assign(new Error("timeout"), { code: "CONNECT_TIMEOUT" }))),
    );
    socket.once("error", (err) => done(() => reject(err)));
    socket.once("connect", () => socket.write(Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f])));
    socket.once("data", (data) => done(() => resolve(data[0] === 0x53)));
  });
}
