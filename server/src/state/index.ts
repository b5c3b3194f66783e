/** Stores on SQLite: the model's state entries, the materialized rows (and the edge's in-memory view of them). */
export { KvStore } from './kv-store'
export { MemoryRowView } from './memory-row-view'
export { RowTable, type RowMap, type RowView, type StoredRow } from './row-table'
export { openDb, type Db } from './sqlite'
