import type { ItemAttributes, ModelRow as Row, RowsMessage } from '../protocol'
import type { CachedRow } from './db'
import { isRow } from './server-message'

/** What applying a `rows` message changed: the rows to store and the items whose row is gone. */
export interface AppliedRows {
  put: CachedRow[]
  removed: string[]
}

/**
 * The rows of the items the session wants, as the stream last pushed them, with an index of the
 * catalog attributes they carry. Item ids are keys of Maps only: an id is data, whatever it spells.
 */
export class RowCache {
  readonly #rows = new Map<string, Row>()
  #attributes = new Map<string, ItemAttributes>()

  /** The row of `item`, if held. */
  get(item: string): Row | undefined {
    return this.#rows.get(item)
  }

  /** Whether the row of `item` is held. */
  has(item: string): boolean {
    return this.#rows.has(item)
  }

  /** An item's catalog attributes, from whichever held row carries them. */
  attributes(item: string): ItemAttributes | undefined {
    return this.#attributes.get(item)
  }

  /** Holds rows stored by an earlier page. */
  load(rows: readonly CachedRow[]): void {
    for (const { item, row } of rows) this.#rows.set(item, row)
    this.#index()
  }

  /** Forgets the rows of every item not in `wanted`; returns those items. */
  keep(wanted: readonly string[]): string[] {
    const keep = new Set(wanted)
    const gone = [...this.#rows.keys()].filter((item) => !keep.has(item))
    for (const item of gone) this.#rows.delete(item)
    if (gone.length > 0) this.#index()
    return gone
  }

  /** Applies the rows of a `rows` message that `wanted` accepts; a malformed row goes to `malformed` and is skipped. */
  apply(rows: RowsMessage['rows'], wanted: (item: string) => boolean, malformed: (item: string, row: unknown) => void): AppliedRows {
    const put: CachedRow[] = []
    const removed: string[] = []
    // Own keys only: a message decoded into a plain object could inherit names such as `constructor`.
    for (const [item, row] of Object.entries(rows)) {
      if (!wanted(item)) continue
      if (row === null) {
        if (this.#rows.delete(item)) removed.push(item)
      } else if (isRow(row)) {
        this.#rows.set(item, row)
        put.push({ item, row })
      } else malformed(item, row)
    }
    if (put.length > 0 || removed.length > 0) this.#index()
    return { put, removed }
  }

  /** Re-indexes the attributes the rows carry: whenever the rows change, not per lookup. */
  #index(): void {
    this.#attributes = new Map()
    for (const row of this.#rows.values()) {
      for (const [item, attrs] of Object.entries(row.attrs ?? {})) if (!this.#attributes.has(item)) this.#attributes.set(item, attrs)
    }
  }
}
