import type { CatalogItem } from '@sequitur/sdk/protocol'
import { pack, unpack } from 'msgpackr'
import type { Increment } from '../processor/session-links'

/**
 * The increments one event makes to one row, on their way to the aggregator. `from`, `offset` and
 * `k` (its index among the event's records) identify it: stage 2 applies each identity once.
 */
export interface IncrementRecord {
  type: 'row'
  site: string
  src: string
  /** `[kind, dst, day, n]` for each statistic of the row that grows. */
  adds: Array<[Increment['kind'], string, number, number]>
  /** The event's time, for the freshness metric. */
  ts: number
  /** The events partition, the event's offset in it, and the record's index for that event. */
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
  /** `impression` or `click`. */
  kind: 'impression' | 'click'
  item: string
  list?: string
  ts: number
  from: number
  offset: number
  k: number
}

/** What stage 1 sends to stage 2. */
export type StageTwoRecord = IncrementRecord | ProfileRecord | TakeRecord


/*
 * On the wire, an increments record is a msgpack array of tuples, in order (older edges of this
 * stage wrote one record object per Kafka record; those still decode):
 *   row     [0, site, src, ts, from, offset, k, kind, dst, day, n, kind, dst, day, n, ...]
 *   take    [1, site, kind, item, list | null, ts, from, offset, k]
 *   profile [2, site, user, day, item, ts, from, offset, k]
 * with kinds as 0/1 (`next`/`related`, `impression`/`click`). Tuples pack and unpack at a fraction
 * of the cost of objects with their keys.
 */
const ROW = 0
const TAKE = 1
const PROFILE = 2
type Tuple = Array<string | number | null | CatalogItem>

/** The value of one increments record. */
export function encodeStageTwo(records: readonly StageTwoRecord[]): Buffer {
  const tuples: Tuple[] = new Array(records.length)
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!
    if (r.type === 'row') {
      const t: Tuple = [ROW, r.site, r.src, r.ts, r.from, r.offset, r.k]
      for (const [kind, dst, day, n] of r.adds) t.push(kind === 'next' ? 0 : 1, dst, day, n)
      tuples[i] = t
    } else if (r.type === 'take') {
      tuples[i] = [TAKE, r.site, r.kind === 'impression' ? 0 : 1, r.item, r.list ?? null, r.ts, r.from, r.offset, r.k]
    } else tuples[i] = [PROFILE, r.site, r.user, r.day, r.item, r.ts, r.from, r.offset, r.k]
  }
  return pack(tuples)
}

/** The records of one increments record, in order. */
export function decodeStageTwo(value: Buffer): StageTwoRecord[] {
  const decoded = unpack(value) as Tuple[] | StageTwoRecord
  if (!Array.isArray(decoded)) return [decoded]
  return decoded.map((t): StageTwoRecord => {
    const site = t[1] as string
    if (t[0] === ROW) {
      const adds: IncrementRecord['adds'] = []
      for (let j = 7; j + 3 < t.length; j += 4) {
        adds.push([t[j] === 0 ? 'next' : 'related', t[j + 1] as string, t[j + 2] as number, t[j + 3] as number])
      }
      return { type: 'row', site, src: t[2] as string, adds, ts: t[3] as number, from: t[4] as number, offset: t[5] as number, k: t[6] as number }
    }
    if (t[0] === TAKE) {
      const take: TakeRecord = { type: 'take', site, kind: t[2] === 0 ? 'impression' : 'click', item: t[3] as string, ts: t[5] as number, from: t[6] as number, offset: t[7] as number, k: t[8] as number }
      if (t[4] !== null) take.list = t[4] as string
      return take
    }
    return { type: 'profile', site, user: t[2] as string, day: t[3] as number, item: t[4] as CatalogItem, ts: t[5] as number, from: t[6] as number, offset: t[7] as number, k: t[8] as number }
  })
}
