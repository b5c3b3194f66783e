/**
 * One model row: what visitors clicked next after an item, over the model's window.
 * `next` holds the top k next items with their counts, by count descending then item id.
 */
export interface Row {
  /** All next-clicks counted from this item in the window, including those past the top k. */
  total: number
  /** `[item, count]` pairs, by count descending, then item id ascending. */
  next: Array<[string, number]>
}

/** Weighted co-occurrence: what the on-device scorer blends. */
export interface Related {
  /** The sum of every weight counted from this item in the window, including those past the top. */
  total: number
  /** `[item, weight]` pairs, by weight descending, then item id ascending. */
  items: Array<[string, number]>
}

/**
 * A row as the stream carries it to the SDK: the next-click counts plus `related`, the items seen up
 * to three steps after this one (weight 30, 15, 10 by distance) or before it (6, 3, 2), top 50.
 */
export interface ModelRow extends Row {
  related?: Related
  /** Catalog attributes of the row's item and of the items it names, where the catalog has them. */
  attrs?: Record<string, ItemAttributes>
}

/** The attributes of an item the device's session profile uses. */
export interface ItemAttributes {
  category?: string
  price?: number
}

/**
 * The answer of `GET /v1/rows`. An unknown item has no entry. Maps keyed by ids (`rows`, `attrs`) may
 * hold any id, `__proto__` included: read them with own-key iteration or as `dict()`s, never `{}`.
 */
export interface RowsAnswer {
  /** The model version the answer reflects; pass it as `since` when subscribing to the stream. */
  version: number
  rows: Record<string, ModelRow>
}

/** Orders `[item, count]` pairs as the contract says: count descending, then item id ascending. */
export function compareNext(a: readonly [string, number], b: readonly [string, number]): number {
  return b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)
}
