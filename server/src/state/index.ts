/** Stores on SQLite: the model's state entries, the materialized rows, and the edge's views of the rows topic. */
export { BoundedRowView, DEFAULT_EDGE_ROW_CACHE, type BoundedRowViewOptions } from './bounded-row-view'
export { KvStore } from './kv-store'
export { rowKey, type MaterializedRows, type RowRecord } from './materialized-rows'
export { MemoryRowView } from './memory-row-view'
export { RowTable, type RowMap, type RowView, type StoredRow } from './row-table'
export { openDb, type Db } from './sqlite'
