export interface UrlParts {
  host: string;
  port: number;
  user: string;
  password?: string;
  database: string;
}

/** A `postgres://` URL; user and password are percent-encoded so any password survives the trip. */
export function pgUrl({ host, port, user, password, database }: UrlParts): string {
  const auth =
    password === undefined
      ? encodeURIComponent(user)
      : `${encodeURIComponent(user)}:${encodeURIComponent(password)}`;
  return `postgres://${auth}@${host}:${port}/${encodeURIComponent(database)}`;
}
