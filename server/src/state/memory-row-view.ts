import type { ModelRow } from '@sequitur/sdk/protocol'
import type { MaterializedRows, RowRecord } from './materialized-rows'
import { changedRows, liveRows, type HeldRow } from './row-answers'
import type { RowMap } from './row-table'

/**
 * Rows held in memory with the version that last changed each: every row of the rows topic (an
 * edge with `SEQUITUR_EDGE_ROW_CACHE=all`, and tests). An emptied row stays as a `null` tombstone so
 * a resuming client learns it is gone. Nothing survives a restart: it reads the topic from its start.
 */
export class MemoryRowView implements MaterializedRows {
  readonly #rows = new Map<string, HeldRow>()
  #version = 0
  #next = 0

  /** Stores a row (or its tombstone) at `version`. */
  put(site: string, item: string, version: number, row: ModelRow | null): void {
    this.#rows.set(`${site}\0${item}`, { version, row })
    if (version > this.#version) this.#version = version
  }

  next(): number {
    return this.#next
  }

  apply(rows: readonly RowRecord[], next: number): void {
    for (const r of rows) this.put(r.site, r.item, r.version, r.row)
    this.#next = next
  }

  wipe(): void {
    this.#rows.clear()
    this.#version = 0
    this.#next = 0
  }

  close(): void {}

  version(): number {
    return this.#version
  }

  rows(site: string, items: readonly string[], related = false): Record<string, ModelRow> {
    return liveRows(items, (item) => this.#rows.get(`${site}\0${item}`), related)
  }

  changedSince(site: string, items: readonly string[], since?: number): RowMap {
    return changedRows(items, (item) => this.#rows.get(`${site}\0${item}`), since)
  }
}
