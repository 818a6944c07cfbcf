export * as schema from "./schema/index.js";
export type { Change, ChangeFeed } from "./change-feed.js";
export { type Db, openStore, type Store, type StoreKind, type StoreOptions } from "./store.js";
