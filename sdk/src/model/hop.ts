import type { ModelRow } from '../protocol'
import { blendOf, type RowLookup } from './blend'

/** How many of the last item's related items the second hop walks through. */
export const HUBS = 10

/** The items the second hop walks through from `row` (the last item's): the first `HUBS` its related items (else next clicks) name. */
export function hubsOf(row: ModelRow | undefined): string[] {
  const blend = blendOf(row)
  return blend ? blend.items.slice(0, HUBS).map(([item]) => item) : []
}

/** An item's part through the second hop, and its strongest hub (the reason a ranking gives). */
export interface HopPart {
  value: number
  /** The hub whose row gives the item most, its count and total there, and the hub's weight among the hubs. */
  from: string
  count: number
  total: number
  weight: number
}

/** The second hop from one row: each item its hubs' rows name, with its part. */
interface HopTable {
  /** The hubs' rows it was made of: a table is reused only while each is still the one held. */
  rows: Array<ModelRow | undefined>
  parts: Map<string, HopPart>
}

/** One table per last item's row: rows are replaced, not changed, so a row object and its hubs' rows name one table. */
const tables = new WeakMap<ModelRow, HopTable>()

/**
 * The second hop from `last` (the last item's row): its first `HUBS` items (the hubs), weighted by
 * their share of those, and for each item their rows name, Σ hub weight × the item's share of the
 * hub's row. Made once per row and hubs' rows: a ranking after each click reads the table, not the
 * hubs' rows.
 */
export function hopOf(last: ModelRow, rows: RowLookup): ReadonlyMap<string, HopPart> {
  const blend = blendOf(last)
  if (!blend) return new Map()
  const top = Math.min(HUBS, blend.items.length)
  const held = tables.get(last)
  if (held && held.rows.every((row, h) => rows(blend.items[h]![0]) === row)) return held.parts
  let sum = 0
  for (let h = 0; h < top; h++) sum += blend.items[h]![1]
  const parts = new Map<string, HopPart>()
  const hubRows: Array<ModelRow | undefined> = []
  for (let h = 0; h < top; h++) {
    const [from, w] = blend.items[h]!
    const row = rows(from)
    hubRows.push(row)
    const hub = blendOf(row)
    const weight = w / sum
    for (let e = 0; hub && e < hub.items.length; e++) {
      const [item, count] = hub.items[e]!
      const value = (weight * count) / hub.total
      const part = parts.get(item)
      if (!part) {
        parts.set(item, { value, from, count, total: hub.total, weight })
        continue
      }
      // The hub that gives the item most is its reason.
      if (value > (part.weight * part.count) / part.total) Object.assign(part, { from, count, total: hub.total, weight })
      part.value += value
    }
  }
  tables.set(last, { rows: hubRows, parts })
  return parts
}
