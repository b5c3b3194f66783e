import { dict, type ModelRow, type Row } from '@sequitur/sdk/protocol'
import type { RowMap, RowView } from './row-table'

/**
 * Rows held in memory with the version that last changed each: what an edge materializes from the
 * Kafka row feed. An emptied row stays as a `null` tombstone so a resuming client learns it is gone.
 */
export class MemoryRowView implements RowView {
  readonly #rows = new Map<string, { version: number; row: ModelRow | null }>()
  #version = 0

  /** Stores a row (or its tombstone) at `version`. */
  put(site: string, item: string, version: number, row: ModelRow | null): void {
    this.#rows.set(`${site}\0${item}`, { version, row })
    if (version > this.#version) this.#version = version
  }

  version(): number {
    return this.#version
  }

  rows(site: string, items: readonly string[], related = false): Record<string, ModelRow> {
    const out = dict<ModelRow>()
    for (const item of items) {
      const row = this.#rows.get(`${site}\0${item}`)?.row
      if (!row || (!related && row.total === 0)) continue
      out[item] = related ? row : ({ total: row.total, next: row.next } satisfies Row)
    }
    return out
  }

  changedSince(site: string, items: readonly string[], since?: number): RowMap {
    const out: RowMap = dict()
    for (const item of items) {
      const stored = this.#rows.get(`${site}\0${item}`)
      if (!stored) continue
      if (since === undefined ? stored.row !== null : stored.version > since) out[item] = stored.row
    }
    return out
  }
}
