import type { ModelRow } from '@sequitur/sdk/protocol'
import { encodeEntry } from '../model'
import type { EncodedRow } from './edge-row-file'
import type { RowView } from './row-table'

/** A record of the rows topic as the edge's materializer hands it over: encoded, and decoded. */
export interface RowRecord extends Omit<EncodedRow, 'partition'> {
  site: string
  item: string
  row: ModelRow | null
}

/** Where an edge keeps the rows topic: the read side, and how the materializer writes it. */
export interface MaterializedRows extends RowView {
  /** The next offset of each rows partition to read (0: from its start; the view's `cursor()`). */
  positions(): number[]
  /** Makes room for `count` rows partitions (positions of the new ones start at 0). */
  partitions(count: number): void
  /** Takes one fetched batch's rows of `partition` (default 0), in offset order, reaching its offset `next`. */
  apply(rows: readonly RowRecord[], next: number, partition?: number): void
  /** Forgets every row (the topic no longer reaches back to `next()`). */
  wipe(): void
  /** Closes what it holds open. */
  close(): void
}

/** The rows topic's record key of a row: the key the view and its file look rows up by. */
export const rowKey = (site: string, item: string): string => encodeEntry({ kind: 'row', site, item, row: null })[0]
