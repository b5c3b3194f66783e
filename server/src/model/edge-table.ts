import { compareNext } from '@sequitur/sdk/protocol'
import type { ItemIds } from './item-ids'

/** The cells of one day: which edge, and how much was added to it that day. */
interface DayCells {
  edge: Int32Array
  n: Int32Array
  length: number
  /** Some edge has more than one cell on this day (it was touched on another day in between). */
  split: boolean
  /** When changes are tracked: what was added to each cell since the last drain, and which cells. */
  delta?: Int32Array
  changed?: Int32Array
  changedLength: number
}

const NONE = -1
const GROWTH = 1.25

/**
 * Weighted edges src → dst in daily buckets of event time, laid out in typed arrays: each edge is a
 * slot in columns (src, dst, window sum, next edge of the same src, last day cell), found through an
 * open-addressing hash of (src, dst); each day holds (edge, n) cells. Dropping a day subtracts its
 * cells from the sums, and the table is compacted when many edges have emptied. About 50 bytes per
 * edge, against ~100 for Maps of strings.
 */
export class EdgeTable {
  readonly #ids: ItemIds
  #src = new Int32Array(16)
  #dst = new Int32Array(16)
  #sum = new Float64Array(16)
  #nextOfSrc = new Int32Array(16)
  #lastDay = new Int32Array(16)
  #lastCell = new Int32Array(16)
  #edges = 0
  #dead = 0
  /** Open addressing: edge index + 1, 0 for empty. */
  #slots = new Int32Array(32)
  /** Per src item: its first edge, and the window total of its edges. */
  #head = new Int32Array(16).fill(NONE)
  #total = new Float64Array(16)
  readonly #days = new Map<number, DayCells>()

  constructor(ids: ItemIds) {
    this.#ids = ids
  }

  /** Edges with a positive sum. */
  get size(): number {
    return this.#edges - this.#dead
  }

  /** Adds `n` to the edge src → dst on `day`; with `track`, the cell counts as changed until `drainChanges`. */
  add(src: number, dst: number, day: number, n: number, track = false): void {
    let e = this.#find(src, dst)
    if (e === NONE) e = this.#insert(src, dst)
    else if (this.#sum[e] === 0) this.#dead--
    this.#sum[e]! += n
    this.#total[src]! += n
    const cells = this.#dayCells(day)
    let cell = this.#lastDay[e] === day ? this.#lastCell[e]! : NONE
    if (cell === NONE) {
      // Touched on another day since (events out of order): a second cell of this day, summed on read.
      if (this.#lastDay[e] !== NONE && cells.length > 0) cells.split = true
      cell = cells.length++
      if (cell === cells.edge.length) {
        cells.edge = grow(cells.edge, Math.ceil(cell * GROWTH))
        cells.n = grow(cells.n, Math.ceil(cell * GROWTH))
      }
      cells.edge[cell] = e
      cells.n[cell] = 0
    }
    cells.n[cell]! += n
    this.#lastDay[e] = day
    this.#lastCell[e] = cell
    if (track) trackChange(cells, cell, n)
  }

  /**
   * Calls `visit` with each edge and day that changed since the last drain, at its count, then
   * forgets the changes (an edge touched out of day order comes twice). A day dropped meanwhile is
   * gone with its changes.
   */
  drainChanges(visit: (src: number, dst: number, day: number, n: number) => void): void {
    for (const [day, cells] of this.#days) {
      const { delta, changed } = cells
      if (!delta || !changed) continue
      if (cells.changedLength === 0) {
        // Quiet since the last drain: let go of the arrays (a day that still changes keeps them).
        cells.delta = cells.changed = undefined
        continue
      }
      for (let k = 0; k < cells.changedLength; k++) {
        const cell = changed[k]!
        const e = cells.edge[cell]!
        visit(this.#src[e]!, this.#dst[e]!, day, cells.split ? this.count(this.#src[e]!, this.#dst[e]!, day) : cells.n[cell]!)
        delta[cell] = 0
      }
      cells.changedLength = 0
    }
  }

  /** What was added to src → dst on `day`. */
  count(src: number, dst: number, day: number): number {
    const e = this.#find(src, dst)
    const cells = this.#days.get(day)
    if (e === NONE || !cells) return 0
    if (this.#lastDay[e] === day && !cells.split) return cells.n[this.#lastCell[e]!]!
    let n = 0
    for (let i = 0; i < cells.length; i++) if (cells.edge[i] === e) n += cells.n[i]!
    return n
  }

  /** The window total of `src`'s edges. */
  total(src: number): number {
    return src < this.#total.length ? this.#total[src]! : 0
  }

  /** Drops every day before `day`, telling `dropped` each cell; returns the src items whose edges lost counts. */
  dropBefore(day: number, dropped?: (src: number, dst: number, day: number, n: number) => void): Set<number> {
    const changed = new Set<number>()
    for (const [d, cells] of this.#days) {
      if (d >= day) continue
      for (let i = 0; i < cells.length; i++) {
        const e = cells.edge[i]!
        const src = this.#src[e]!
        this.#sum[e]! -= cells.n[i]!
        this.#total[src]! -= cells.n[i]!
        if (this.#sum[e] === 0) this.#dead++
        if (this.#lastDay[e] === d) this.#lastDay[e] = NONE
        changed.add(src)
        dropped?.(src, this.#dst[e]!, d, cells.n[i]!)
      }
      this.#days.delete(d)
    }
    if (this.#dead > 1024 && this.#dead * 4 > this.#edges) this.#compact()
    return changed
  }

  /**
   * The table as it was before `day`, from `from` on: totals and tops without the cells of that day
   * and later nor of the days before `from`, for as long as the table does not change (what the
   * self-validation scores the day against).
   */
  before(day: number, from = -Infinity): { total(src: number): number; top(src: number, k: number): Array<[string, number]>; all(src: number): Array<[string, number]> } {
    const edge = new Float64Array(this.#edges)
    const src = new Float64Array(this.#total.length)
    for (const [d, cells] of this.#days) {
      if (d < day && d >= from) continue
      for (let i = 0; i < cells.length; i++) {
        const e = cells.edge[i]!
        edge[e]! += cells.n[i]!
        src[this.#src[e]!]! += cells.n[i]!
      }
    }
    return { total: (id) => this.total(id) - (src[id] ?? 0), top: (id, k) => this.top(id, k, edge), all: (id) => this.top(id, Infinity, edge) }
  }

  /** The `k` heaviest edges out of `src` (by sum, less `minus` per edge, then dst id) as [item, sum] pairs. */
  top(src: number, k: number, minus?: Float64Array): Array<[string, number]> {
    const out: Array<[string, number]> = []
    if (src >= this.#head.length) return out
    const names = this.#ids
    for (let e = this.#head[src]!; e !== NONE; e = this.#nextOfSrc[e]!) {
      const sum = this.#sum[e]! - (minus ? minus[e]! : 0)
      if (sum === 0) continue
      if (out.length < k) {
        out.push([names.name(this.#dst[e]!), sum])
        if (out.length === k) heapify(out)
      } else if (sum >= out[0]![1]) {
        const entry: [string, number] = [names.name(this.#dst[e]!), sum]
        if (compareNext(entry, out[0]!) < 0) {
          out[0] = entry
          siftDown(out, 0)
        }
      }
    }
    return out.sort(compareNext)
  }

  #find(src: number, dst: number): number {
    const mask = this.#slots.length - 1
    for (let i = hash(src, dst) & mask; ; i = (i + 1) & mask) {
      const slot = this.#slots[i]!
      if (slot === 0) return NONE
      const e = slot - 1
      if (this.#src[e] === src && this.#dst[e] === dst) return e
    }
  }

  #insert(src: number, dst: number): number {
    if ((this.#edges + 1) * 10 > this.#slots.length * 7) this.#rehash(this.#slots.length * 2)
    const e = this.#edges++
    if (e === this.#src.length) {
      const size = Math.ceil(e * GROWTH)
      this.#src = grow(this.#src, size)
      this.#dst = grow(this.#dst, size)
      this.#sum = grow(this.#sum, size)
      this.#nextOfSrc = grow(this.#nextOfSrc, size)
      this.#lastDay = grow(this.#lastDay, size)
      this.#lastCell = grow(this.#lastCell, size)
    }
    if (src >= this.#head.length) {
      const size = Math.max(src + 1, Math.ceil(this.#head.length * GROWTH))
      const head = grow(this.#head, size)
      head.fill(NONE, this.#head.length)
      this.#head = head
      this.#total = grow(this.#total, size)
    }
    this.#src[e] = src
    this.#dst[e] = dst
    this.#sum[e] = 0
    this.#lastDay[e] = NONE
    this.#nextOfSrc[e] = this.#head[src]!
    this.#head[src] = e
    this.#place(e)
    return e
  }

  #place(e: number): void {
    const mask = this.#slots.length - 1
    let i = hash(this.#src[e]!, this.#dst[e]!) & mask
    while (this.#slots[i] !== 0) i = (i + 1) & mask
    this.#slots[i] = e + 1
  }

  #rehash(size: number): void {
    this.#slots = new Int32Array(size)
    for (let e = 0; e < this.#edges; e++) this.#place(e)
  }

  #dayCells(day: number): DayCells {
    let cells = this.#days.get(day)
    if (!cells) this.#days.set(day, (cells = { edge: new Int32Array(64), n: new Int32Array(64), length: 0, split: false, changedLength: 0 }))
    return cells
  }

  /** Rebuilds the columns without the emptied edges. */
  #compact(): void {
    const remap = new Int32Array(this.#edges).fill(NONE)
    let live = 0
    for (let e = 0; e < this.#edges; e++) {
      if (this.#sum[e] === 0) continue
      remap[e] = live
      this.#src[live] = this.#src[e]!
      this.#dst[live] = this.#dst[e]!
      this.#sum[live] = this.#sum[e]!
      this.#lastDay[live] = this.#lastDay[e]!
      this.#lastCell[live] = this.#lastCell[e]!
      live++
    }
    this.#edges = live
    this.#dead = 0
    this.#head.fill(NONE)
    for (let e = live - 1; e >= 0; e--) {
      this.#nextOfSrc[e] = this.#head[this.#src[e]!]!
      this.#head[this.#src[e]!] = e
    }
    let slots = 32
    while (live * 10 > slots * 7) slots *= 2
    this.#rehash(slots)
    for (const cells of this.#days.values()) {
      let kept = 0
      for (let i = 0; i < cells.length; i++) {
        const e = remap[cells.edge[i]!]!
        if (e === NONE) continue
        cells.edge[kept] = e
        cells.n[kept] = cells.n[i]!
        if (cells.delta) cells.delta[kept] = cells.delta[i] ?? 0
        if (this.#lastDay[e] !== NONE && this.#lastCell[e] === i && this.#days.get(this.#lastDay[e]!) === cells) this.#lastCell[e] = kept
        kept++
      }
      cells.length = kept
      if (cells.delta) {
        // Cells moved: list the changed ones again.
        const delta = cells.delta.slice(0, kept)
        cells.delta = cells.changed = undefined
        cells.changedLength = 0
        delta.forEach((n, cell) => n !== 0 && trackChange(cells, cell, n))
      }
    }
  }
}

/** Adds `n` to a cell's change since the last drain, listing the cell on its first change. */
function trackChange(cells: DayCells, cell: number, n: number): void {
  let delta = cells.delta
  if (!delta || cell >= delta.length) cells.delta = delta = grow(delta ?? new Int32Array(0), cells.edge.length)
  if (delta[cell] === 0) {
    let changed = cells.changed
    if (!changed || cells.changedLength === changed.length) cells.changed = changed = grow(changed ?? new Int32Array(0), Math.ceil(cells.changedLength * GROWTH))
    changed[cells.changedLength++] = cell
  }
  delta[cell]! += n
}

function hash(src: number, dst: number): number {
  return Math.imul(src ^ Math.imul(dst, 0x9e3779b1), 0x85ebca6b) ^ (src >>> 15)
}

function grow<T extends Int32Array | Float64Array>(array: T, size: number): T {
  const next = new (array.constructor as new (n: number) => T)(Math.max(size, 16))
  next.set(array)
  return next
}

/** A min-heap by the row order: the root is the entry that would sort last. */
function heapify(heap: Array<[string, number]>): void {
  for (let i = (heap.length >> 1) - 1; i >= 0; i--) siftDown(heap, i)
}

function siftDown(heap: Array<[string, number]>, i: number): void {
  for (;;) {
    const l = 2 * i + 1
    const r = l + 1
    let worst = i
    if (l < heap.length && compareNext(heap[l]!, heap[worst]!) > 0) worst = l
    if (r < heap.length && compareNext(heap[r]!, heap[worst]!) > 0) worst = r
    if (worst === i) return
    ;[heap[i], heap[worst]] = [heap[worst]!, heap[i]!]
    i = worst
  }
}
