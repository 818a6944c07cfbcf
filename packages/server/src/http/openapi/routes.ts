import type { SchemaName } from "./schemas.js";

export { SCHEMAS, type SchemaName } from "./schemas.js";

export type Auth = "signature" | "bearer" | "none";

/** One documented operation. `body` and `response` name entries of SCHEMAS. */
export interface RouteDoc {
  method: "get" | "post" | "patch" | "delete";
  path: string;
  summary: string;
  tag: "machine" | "operator" | "service";
  auth: Auth;
  body?: SchemaName;
  /** The body may be left out (it only carries options with defaults). */
  bodyOptional?: boolean;
  response?: SchemaName;
  /** The response is `{ items, nextCursor? }` of `response`. */
  list?: boolean;
  status?: number;
  query?: Record<string, string>;
}

type Method = RouteDoc["method"];
type Extra = Pick<RouteDoc, "body" | "bodyOptional" | "response" | "list" | "status" | "query">;

const op =
  (tag: RouteDoc["tag"], auth: Auth) =>
  (method: Method, path: string, summary: string, extra: Extra = {}): RouteDoc => ({
    method,
    path,
    summary,
    tag,
    auth,
    ...extra,
  });
const service = op("service", "none");
const machine = op("machine", "signature");
const admin = op("operator", "bearer");

const page = { limit: "page size (1–1000, default 100)", cursor: "nextCursor of the previous page" };
const vault = { vault: "vault id or name" };
const A = "/v1/admin";

/** The HTTP surface as documented; a test checks each of these is served. */
export const ROUTES: RouteDoc[] = [
  service("get", "/healthz", "Process is up", { response: "Ok" }),
  service("get", "/readyz", "Store reachable and migrated", { response: "Ok" }),

  machine("post", "/v1/enroll", "Enroll a machine (signed with the new key)", {
    body: "EnrollRequest",
    response: "EnrollResponse",
    status: 201,
  }),
  machine("get", "/v1/machines/me", "The calling machine", { response: "Whoami" }),
  machine("get", "/v1/secrets/{id}", "Read a secret", { response: "SecretRead" }),

  admin("get", `${A}/tokens`, "Your API tokens", { response: "ApiToken", list: true }),
  admin("post", `${A}/tokens`, "Create an API token (shown once)", {
    body: "ApiTokenCreate",
    response: "ApiTokenCreated",
    status: 201,
  }),
  admin("delete", `${A}/tokens/{id}`, "Revoke an API token", { response: "ApiToken" }),

  admin("get", `${A}/vaults`, "Vaults you belong to", { response: "Vault", list: true }),
  admin("post", `${A}/vaults`, "Create a vault (you become owner)", {
    body: "VaultCreate",
    response: "Vault",
    status: 201,
  }),
  admin("get", `${A}/vaults/{vault}`, "One vault", { response: "Vault" }),
  admin("delete", `${A}/vaults/{vault}`, "Delete a vault (owner): trashes its secrets", {
    response: "Deleted",
  }),
  admin("get", `${A}/vaults/{vault}/members`, "Members of a vault", { response: "Member", list: true }),
  admin("post", `${A}/vaults/{vault}/members`, "Add a member", {
    body: "MemberAdd",
    response: "MemberAdded",
    status: 201,
  }),
  admin("get", `${A}/vaults/{vault}/projects`, "Projects of a vault", { response: "Project", list: true }),
  admin("post", `${A}/vaults/{vault}/projects`, "Create a project", {
    body: "ProjectCreate",
    response: "Project",
    status: 201,
  }),
  admin("delete", `${A}/vaults/{vault}/projects/{project}`, "Delete a project: trashes its secrets", {
    response: "Deleted",
  }),

  admin("get", `${A}/secrets`, "Secrets (no values)", {
    response: "Secret",
    list: true,
    query: { ...vault, project: "project id or name (needs vault)", kind: "structured or leased", ...page },
  }),
  admin("post", `${A}/secrets`, "Create a secret", { body: "SecretCreate", response: "Secret", status: 201 }),
  admin("get", `${A}/secrets/{id}`, "One secret; reveal=true opens a structured one (audited)", {
    response: "Secret",
    query: { reveal: "true to include field values" },
  }),
  admin("patch", `${A}/secrets/{id}`, "Change a secret", { body: "SecretUpdate", response: "Secret" }),
  admin("delete", `${A}/secrets/{id}`, "Revoke its logins, move it to the trash", {
    response: "SecretDeleted",
  }),
  admin("post", `${A}/secrets/{id}/test-connection`, "Test a leased secret's connection", {
    response: "ConnectionTestResult",
  }),
  admin("post", `${A}/test-connection`, "Test a connection before creating a leased secret", {
    body: "Connection",
    response: "ConnectionTestResult",
  }),

  admin("get", `${A}/trash`, "Trashed secrets", {
    response: "TrashItem",
    list: true,
    query: { ...vault, ...page },
  }),
  admin("post", `${A}/trash/{id}/restore`, "Restore from the trash", { response: "Secret" }),
  admin("delete", `${A}/trash/{id}`, "Purge for good", { status: 204 }),

  admin("get", `${A}/machines`, "Machines", {
    response: "Machine",
    list: true,
    query: { ...vault, status: "pending, enabled or disabled", ...page },
  }),
  admin("get", `${A}/machines/{machine}`, "One machine", { response: "Machine", query: vault }),
  admin("post", `${A}/machines/{machine}/approve`, "Approve a pending machine", {
    response: "Machine",
    query: vault,
  }),
  admin("post", `${A}/machines/{machine}/disable`, "Disable a machine (revokes its logins per policy)", {
    response: "Machine",
    query: vault,
  }),
  admin("post", `${A}/machines/{machine}/enable`, "Enable a disabled machine", {
    response: "Machine",
    query: vault,
  }),
  admin("post", `${A}/machines/{machine}/grants`, "Grant read access to a project", {
    body: "MachineGrant",
    response: "Machine",
    query: vault,
  }),
  admin(
    "delete",
    `${A}/machines/{machine}/grants/{project}`,
    "Remove a project grant (revokes logins per policy)",
    {
      response: "Machine",
      query: vault,
    },
  ),

  admin("get", `${A}/enrollment-tokens`, "Enrollment tokens", {
    response: "EnrollmentToken",
    list: true,
    query: vault,
  }),
  admin("post", `${A}/enrollment-tokens`, "Create an enrollment token (shown once)", {
    body: "EnrollmentTokenCreate",
    response: "EnrollmentTokenCreated",
    status: 201,
  }),
  admin("delete", `${A}/enrollment-tokens/{id}`, "Revoke an enrollment token", {
    response: "EnrollmentToken",
  }),

  admin("get", `${A}/leases`, "Leases", {
    response: "Lease",
    list: true,
    query: { secret: "secret id", machine: "machine id or name", state: "lease state", ...page },
  }),
  admin(
    "post",
    `${A}/leases/{id}/revoke`,
    "Revoke a lease (body optional; force abandons it if its login cannot be revoked now)",
    {
      body: "LeaseRevoke",
      bodyOptional: true,
      response: "Lease",
    },
  ),
  admin(
    "post",
    `${A}/secrets/{id}/revoke-leases`,
    "Revoke every login of a secret now (body optional; force abandons those that cannot be revoked)",
    { body: "LeaseRevoke", bodyOptional: true, response: "SecretLeasesRevoked" },
  ),

  admin("get", `${A}/audit`, "Audit events, newest first", {
    response: "AuditEvent",
    list: true,
    query: {
      machine: "machine id or name",
      secret: "secret id",
      action: "audit action",
      lease: "lease id",
      login: "database login",
      vault: "vault id or name",
      since: "ISO time",
      until: "ISO time",
      ...page,
    },
  }),
  admin("get", `${A}/audit/verify`, "Verify the hash chain", { response: "AuditVerify" }),
  admin("get", `${A}/audit/export`, "Every event as NDJSON, in seq order"),
];
