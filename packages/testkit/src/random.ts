import { randomBytes } from "node:crypto";

/** Lower-case so the name never needs quoting in hand-written SQL; random so parallel tests never clash. */
export function randomName(prefix: string): string {
  return `${prefix}_${randomBytes(6).toString("hex")}`;
}

export function randomPassword(): string {
  return randomBytes(24).toString("base64url");
}
