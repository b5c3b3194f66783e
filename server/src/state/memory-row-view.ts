import type { ModelRow } from '@sequitur/sdk/protocol'
import type { MaterializedRows, RowRecord } from './materialized-rows'
import { changedRows, liveRows, type HeldRow, type Since } from './row-answers'
import type { RowMap } from './row-table'
import { growTo, viewVersion } from './row-positions'

/**
 * Rows held in memory with the version and partition that last changed each: every row of the rows
 * topic (an edge with `SEQUITUR_EDGE_ROW_CACHE=all`, and tests). An emptied row stays as a `null`
 * tombstone so a resuming client learns it is gone. Nothing survives a restart: it reads the topic
 * from its start.
 */
export class MemoryRowView implements MaterializedRows {
  readonly #rows = new Map<string, HeldRow>()
  #version = 0
  #positions: number[] = [0]

  /** Stores a row (or its tombstone) at `version` of `partition`. */
  put(site: string, item: string, version: number, row: ModelRow | null, partition = 0): void {
    this.#rows.set(`${site}\0${item}`, { version, row, partition })
    if (version > this.#version) this.#version = version
  }

  positions(): number[] {
    return [...this.#positions]
  }

  partitions(count: number): void {
    this.#positions = growTo(this.#positions, count)
  }

  apply(rows: readonly RowRecord[], next: number, partition = 0): void {
    for (const r of rows) this.put(r.site, r.item, r.version, r.row, partition)
    this.#positions = growTo(this.#positions, partition + 1)
    this.#positions[partition] = next
  }

  wipe(): void {
    this.#rows.clear()
    this.#version = 0
    this.#positions = [0]
  }

  close(): void {}

  version(): number {
    return viewVersion(this.#version, this.#positions)
  }

  cursor(): number[] {
    return this.positions()
  }

  rows(site: string, items: readonly string[], related = false): Record<string, ModelRow> {
    return liveRows(items, (item) => this.#rows.get(`${site}\0${item}`), related)
  }

  changedSince(site: string, items: readonly string[], since?: Since): RowMap {
    return changedRows(items, (item) => this.#rows.get(`${site}\0${item}`), since)
  }
}
