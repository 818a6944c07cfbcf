export { type ClusterAddress, clusterHandle } from "./admin.js";
export { startPostgres } from "./cluster.js";
export type {
  CreateroleAdminOptions,
  PgCluster,
  PgHandle,
  PgLogin,
  PgUrlOptions,
  Row,
  StartPostgresOptions,
} from "./types.js";
