import { dict, type ModelRow, type Row } from '@sequitur/sdk/protocol'
import type { RowMap } from './row-table'

/** A row as an edge holds it: the version that last changed it, `null` once emptied. */
export interface HeldRow {
  version: number
  row: ModelRow | null
}

/** The answer of `RowView.rows` from each item's held row (`undefined`: no such row). */
export function liveRows(items: readonly string[], rowOf: (item: string) => HeldRow | undefined, related: boolean): Record<string, ModelRow> {
  const out = dict<ModelRow>()
  for (const item of items) {
    const row = rowOf(item)?.row
    if (!row || (!related && row.total === 0)) continue
    out[item] = related ? row : ({ total: row.total, next: row.next } satisfies Row)
  }
  return out
}

/** The answer of `RowView.changedSince` from each item's held row (`undefined`: no such row). */
export function changedRows(items: readonly string[], rowOf: (item: string) => HeldRow | undefined, since: number | undefined): RowMap {
  const out: RowMap = dict()
  for (const item of items) {
    const held = rowOf(item)
    if (!held) continue
    if (since === undefined ? held.row !== null : held.version > since) out[item] = held.row
  }
  return out
}
