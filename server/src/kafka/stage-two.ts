import type { CatalogItem } from '@sequitur/sdk/protocol'
import { pack, unpack } from 'msgpackr'
import type { Kind } from '../processor/session-links'
import { MAX_RECORD_BYTES, packInChunks } from './record-size'

/*
 * What stage 1 sends to stage 2. Each record is identified by `from`, `offset` and `k`: the events
 * partition, the offset of the events record it comes from, and its index among that record's
 * outputs. Stage 2 applies each identity once.
 */

/** The increments one event makes to one row. */
export interface IncrementRecord {
  type: 'row'
  site: string
  src: string
  /** `[kind, dst, day, n]` for each statistic of the row that grows. */
  adds: Array<[Kind, string, number, number]>
  /** The event's time, for the freshness metric. */
  ts: number
  from: number
  offset: number
  k: number
}

/** One interaction of a signed-in user with a catalog item, on its way to the user's daily profile. */
export interface ProfileRecord {
  type: 'profile'
  site: string
  user: string
  day: number
  item: CatalogItem
  ts: number
  from: number
  offset: number
  k: number
}

/** An impression of one item, or a click from a list, on its way to the take-rate join. */
export interface TakeRecord {
  type: 'take'
  site: string
  kind: 'impression' | 'click'
  item: string
  list?: string
  ts: number
  from: number
  offset: number
  k: number
}

export type StageTwoRecord = IncrementRecord | ProfileRecord | TakeRecord

/**
 * Reads stage-two records. A row's cells stay where they are: `kind, dst, day, n` for each, from
 * `cells[at]` on, `count` of them, with `kind` 0 for `next` and 1 for `related`.
 */
export interface StageTwoVisitor {
  row(site: string, src: string, ts: number, from: number, offset: number, k: number, cells: readonly unknown[], at: number, count: number): void
  take(record: TakeRecord): void
  profile(record: ProfileRecord): void
}

/** Kinds of a row's cells on the wire. */
export const KINDS: readonly Kind[] = ['next', 'related']

/*
 * On the wire, an increments value is one flat msgpack array: a header [-1, from], then each record's
 * fields, in order:
 *   row     0, site, src, ts, offset, k, count, then count × (kind, dst, day, n)
 *   take    1, site, kind (0 impression, 1 click), item, list | null, ts, offset, k
 *   profile 2, site, user, day, item, ts, offset, k
 * A flat array of strings and numbers packs and unpacks without an object or array per record: stage 1
 * writes it as it goes, stage 2 reads it in place. Earlier versions wrote one array per record, and
 * before that one object per Kafka record; both still read.
 */
const FLAT = -1
const ROW = 0
const TAKE = 1
const PROFILE = 2

/** Bytes a string takes in msgpack, near enough (ids are mostly ASCII). */
const sizeOf = (text: string): number => text.length + 2

/**
 * The records of one batch bound for one increments partition, written as their wire values. A value
 * is cut when its estimated size passes `cut` (under the broker's limit, `MAX_RECORD_BYTES`).
 */
export class StageTwoWriter {
  readonly #full: unknown[][] = []
  #values: unknown[]
  #bytes = 0
  /** Where the current row keeps its count of cells. */
  #count = -1

  constructor(
    readonly from: number,
    readonly cut = MAX_RECORD_BYTES / 2,
  ) {
    this.#values = [FLAT, from]
  }

  /** Starts a row's record; its cells follow (`cell`). */
  row(site: string, src: string, ts: number, offset: number, k: number): void {
    this.#start(sizeOf(site) + sizeOf(src) + 24).push(ROW, site, src, ts, offset, k, 0)
    this.#count = this.#values.length - 1
  }

  /** Adds a cell to the row started last. */
  cell(kind: Kind, dst: string, day: number, n: number): void {
    this.#values.push(kind === 'next' ? 0 : 1, dst, day, n)
    ;(this.#values[this.#count] as number)++
    this.#bytes += sizeOf(dst) + 8
  }

  take(site: string, kind: TakeRecord['kind'], item: string, list: string | undefined, ts: number, offset: number, k: number): void {
    this.#start(sizeOf(site) + sizeOf(item) + (list === undefined ? 1 : sizeOf(list)) + 24).push(TAKE, site, kind === 'impression' ? 0 : 1, item, list ?? null, ts, offset, k)
  }

  profile(site: string, user: string, day: number, item: CatalogItem, ts: number, offset: number, k: number): void {
    this.#start(sizeOf(site) + sizeOf(user) + JSON.stringify(item).length + 32).push(PROFILE, site, user, day, item, ts, offset, k)
  }

  /** The wire values, in order (each under `max` bytes unless a single record is larger). */
  encode(max = MAX_RECORD_BYTES): Buffer[] {
    const out: Buffer[] = []
    for (const values of [...this.#full, this.#values]) {
      if (values.length <= 2) continue
      const value = pack(values)
      // The estimate fell short: cut between records.
      out.push(...(value.length <= max ? [value] : packInChunks(recordsOf(values), (part) => pack([FLAT, this.from, ...part.flat()]), max)))
    }
    return out
  }

  /** The values a new record goes to, cutting the current ones when they are full. */
  #start(bytes: number): unknown[] {
    if (this.#bytes + bytes > this.cut && this.#values.length > 2) {
      this.#full.push(this.#values)
      this.#values = [FLAT, this.from]
      this.#bytes = 0
    }
    this.#bytes += bytes
    return this.#values
  }
}

/** The records of a flat value, each as its own slice. */
function recordsOf(v: readonly unknown[]): unknown[][] {
  const out: unknown[][] = []
  for (let i = 2; i < v.length; ) {
    const end = i + (v[i] === ROW ? 7 + 4 * (v[i + 6] as number) : 8)
    out.push(v.slice(i, end))
    i = end
  }
  return out
}

/** Calls `visit` for each record of an increments value, in order. */
export function readStageTwo(value: Buffer, visit: StageTwoVisitor): void {
  const decoded = unpack(value) as unknown[] | StageTwoRecord
  if (Array.isArray(decoded) && decoded[0] === FLAT) return readFlat(decoded, visit)
  const records = Array.isArray(decoded) ? (decoded as unknown[][]).map(fromTuple) : [decoded]
  for (const r of records) {
    if (r.type === 'take') visit.take(r)
    else if (r.type === 'profile') visit.profile(r)
    else visit.row(r.site, r.src, r.ts, r.from, r.offset, r.k, r.adds.flatMap(([kind, ...rest]) => [kind === 'next' ? 0 : 1, ...rest]), 0, r.adds.length)
  }
}

function readFlat(v: readonly unknown[], visit: StageTwoVisitor): void {
  const from = v[1] as number
  for (let i = 2; i < v.length; ) {
    const site = v[i + 1] as string
    if (v[i] === ROW) {
      const count = v[i + 6] as number
      visit.row(site, v[i + 2] as string, v[i + 3] as number, from, v[i + 4] as number, v[i + 5] as number, v, i + 7, count)
      i += 7 + 4 * count
    } else if (v[i] === TAKE) {
      const take: TakeRecord = {
        type: 'take', site, kind: v[i + 2] === 0 ? 'impression' : 'click', item: v[i + 3] as string,
        ts: v[i + 5] as number, from, offset: v[i + 6] as number, k: v[i + 7] as number,
      }
      if (v[i + 4] !== null) take.list = v[i + 4] as string
      visit.take(take)
      i += 8
    } else if (v[i] === PROFILE) {
      visit.profile({
        type: 'profile', site, user: v[i + 2] as string, day: v[i + 3] as number, item: v[i + 4] as CatalogItem,
        ts: v[i + 5] as number, from, offset: v[i + 6] as number, k: v[i + 7] as number,
      })
      i += 8
    } else throw new Error(`unknown stage-two record type ${String(v[i])}`)
  }
}

/** A record in the one-array-per-record form of the previous version. */
function fromTuple(t: unknown[]): StageTwoRecord {
  const site = t[1] as string
  if (t[0] === ROW) {
    const adds: IncrementRecord['adds'] = []
    for (let j = 7; j + 3 < t.length; j += 4) adds.push([KINDS[t[j] as number]!, t[j + 1] as string, t[j + 2] as number, t[j + 3] as number])
    return { type: 'row', site, src: t[2] as string, adds, ts: t[3] as number, from: t[4] as number, offset: t[5] as number, k: t[6] as number }
  }
  if (t[0] === TAKE) {
    const take: TakeRecord = { type: 'take', site, kind: t[2] === 0 ? 'impression' : 'click', item: t[3] as string, ts: t[5] as number, from: t[6] as number, offset: t[7] as number, k: t[8] as number }
    if (t[4] !== null) take.list = t[4] as string
    return take
  }
  return { type: 'profile', site, user: t[2] as string, day: t[3] as number, item: t[4] as CatalogItem, ts: t[5] as number, from: t[6] as number, offset: t[7] as number, k: t[8] as number }
}
