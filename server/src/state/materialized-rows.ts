import type { ModelRow } from '@sequitur/sdk/protocol'
import { encodeEntry } from '../model'
import type { EncodedRow } from './edge-row-file'
import type { RowView } from './row-table'

/** A record of the rows topic as the edge's materializer hands it over: encoded, and decoded. */
export interface RowRecord extends EncodedRow {
  site: string
  item: string
  row: ModelRow | null
}

/** Where an edge keeps the rows topic: the read side, and how the materializer writes it. */
export interface MaterializedRows extends RowView {
  /** The next offset of the rows topic to read (0: from its start). */
  next(): number
  /** Takes one fetched batch's rows, in offset order, reaching topic offset `next`. */
  apply(rows: readonly RowRecord[], next: number): void
  /** Forgets every row (the topic no longer reaches back to `next()`). */
  wipe(): void
  /** Closes what it holds open. */
  close(): void
}

/** The rows topic's record key of a row: the key the view and its file look rows up by. */
export const rowKey = (site: string, item: string): string => encodeEntry({ kind: 'row', site, item, row: null })[0]
