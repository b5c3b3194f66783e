import { dict, type ModelRow, type Row } from '@sequitur/sdk/protocol'
import type { RowMap } from './row-table'

/** A row as an edge holds it: the version that last changed it (its offset + 1 in `partition`), `null` once emptied. */
export interface HeldRow {
  version: number
  row: ModelRow | null
  /** Its rows partition (0 when absent). */
  partition?: number
}

/**
 * What a subscriber holds: a protocol 1 version (`since`, the same as a one-entry cursor) or a
 * cursor's offsets, one per rows partition; absent, nothing.
 */
export type Since = number | readonly number[] | undefined

/** Whether a row changed at `version` of `partition` is past `since` (a partition the cursor lacks counts from 0). */
export function newer(version: number, partition: number, since: number | readonly number[]): boolean {
  return version > (typeof since === 'number' ? (partition === 0 ? since : 0) : (since[partition] ?? 0))
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
export function changedRows(items: readonly string[], rowOf: (item: string) => HeldRow | undefined, since: Since): RowMap {
  const out: RowMap = dict()
  for (const item of items) {
    const held = rowOf(item)
    if (!held) continue
    if (since === undefined ? held.row !== null : newer(held.version, held.partition ?? 0, since)) out[item] = held.row
  }
  return out
}
