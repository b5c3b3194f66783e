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

/** The answer of `GET /v1/rows`. An unknown item has no entry. */
export interface RowsAnswer {
  /** The model version the answer reflects; pass it as `since` when subscribing to the stream. */
  version: number
  rows: Record<string, Row>
}

/** Orders `[item, count]` pairs as the contract says: count descending, then item id ascending. */
export function compareNext(a: readonly [string, number], b: readonly [string, number]): number {
  return b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)
}
