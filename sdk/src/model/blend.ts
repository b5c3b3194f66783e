import type { ModelRow } from '../protocol'

/** Looks up the model row of an item. */
export type RowLookup = (item: string) => ModelRow | undefined

/** What the scorer reads of a row: weighted items and their total. */
export type Blend = { total: number; items: ReadonlyArray<readonly [string, number]> }

/** What a row blends: its related items, else its next clicks (both channels and the second hop read this). */
export function blendOf(row: ModelRow | undefined): Blend | undefined {
  const blend = row?.related ?? (row ? { total: row.total, items: row.next } : undefined)
  return blend && blend.total > 0 ? blend : undefined
}
