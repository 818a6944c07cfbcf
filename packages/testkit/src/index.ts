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
export { freePort } from "./free-port.js";
export {
  type NodeServer,
  type RunOptions,
  type RunResult,
  runCommand,
  runNode,
  startNodeServer,
} from "./node-process.js";
