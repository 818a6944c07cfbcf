/** A login on the test cluster: its name, its password and a ready-made connection URL. */
export interface PgLogin {
  user: string;
  password: string;
  url: string;
}

export interface PgUrlOptions {
  /** Defaults to the superuser (and then to the superuser's password). */
  user?: string;
  password?: string;
  /** Defaults to `postgres`. */
  database?: string;
}

export interface CreateroleAdminOptions {
  name?: string;
  password?: string;
  /** The database the admin gets ALL privileges on (with grant option). Defaults to `postgres`. */
  database?: string;
}

export type Row = Record<string, unknown>;

/** What a test can do with a running cluster, whether it owns the server or only reaches it. */
export interface PgHandle {
  host: string;
  port: number;
  superuser: PgLogin;
  /** The server log; tests read it to prove a secret never reached it. */
  logPath: string;
  /**
   * A `postgres://` URL; user, password and database are percent-encoded. postgres.js decodes
   * user and password but not the database, so keep database names URL-safe (random ones are).
   */
  url(opts?: PgUrlOptions): string;
  /** Creates a database and returns its name (random when not given). */
  createDatabase(name?: string): Promise<string>;
  /** A LOGIN CREATEROLE role that is not a superuser, the second admin kind the product supports. */
  createCreateroleAdmin(opts?: CreateroleAdminOptions): Promise<PgLogin>;
  /** Runs one query as the superuser. For test set-up and assertions only. */
  query<T extends Row = Row>(text: string, params?: unknown[], opts?: { database?: string }): Promise<T[]>;
}

/** A cluster this process started and owns. */
export interface PgCluster extends PgHandle {
  /** Fast shutdown, then deletes the temp dir. Idempotent. */
  stop(): Promise<void>;
  /** Stops the server but keeps its data dir and port, to simulate an outage. */
  stopServer(): Promise<void>;
  /** Starts the server again on the same port and data dir. */
  startServer(): Promise<void>;
}

export interface StartPostgresOptions {
  /** `log_statement=all`, for tests proving passwords never reach the server log. */
  logStatements?: boolean;
}
