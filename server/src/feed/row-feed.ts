import type { RowMap } from '../state'

/** Rows of one site that changed together, at one version. */
export interface RowChanges {
  site: string
  /** The protocol 1 version (on several rows partitions, the sum of `cursor`). */
  version: number
  /** A `dict()`: an item may be called `__proto__`. */
  rows: RowMap
  /** The rows partition they came from (absent: the embedded mode's one log, pushed without one). */
  partition?: number
  /** The edge's cursor once they are applied (absent: `[version]`, the embedded mode's). */
  cursor?: number[]
}

/** Carries changed rows from the processor to the edges. */
export interface RowFeed {
  /** Hands changed rows to every subscriber. */
  publish(changes: readonly RowChanges[]): void
  /** Calls `listener` with each change; returns an unsubscribe function. */
  subscribe(listener: (changes: RowChanges) => void): () => void
}

/** The row feed of the embedded mode, where processor and edge share one process. */
export class MemoryRowFeed implements RowFeed {
  readonly #listeners = new Set<(changes: RowChanges) => void>()

  publish(changes: readonly RowChanges[]): void {
    for (const change of changes) for (const listener of this.#listeners) listener(change)
  }

  subscribe(listener: (changes: RowChanges) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }
}
