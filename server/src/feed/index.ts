/** The row feed port between the processor and the edges, and its in-process adapter. */
export { MemoryRowFeed, type RowChanges, type RowFeed } from './row-feed'
