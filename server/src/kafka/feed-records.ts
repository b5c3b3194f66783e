import type { ModelRow } from '@sequitur/sdk/protocol'
import { packExact } from '../msgpack'
import type { Cell } from '../model'
import type { DailyProfile } from '../profiles/daily-profile'

/*
 * The records stage 2 publishes for the edges: rows, profiles and trending, each topic with its key
 * and value codec. Keys are JSON arrays, so any id (a `\0` in it too) keeps its place.
 */

/** A record of the rows topic: an item's row, null when it emptied. */
export const rowRecord = (site: string, item: string, row: ModelRow | null) => ({ key: JSON.stringify([site, item]), value: row && packExact(row) })

/** The site and item of a rows record's key (undefined for a key of another layout). */
export function readRowKey(key: string): { site: string; item: string } | undefined {
  const parsed = JSON.parse(key) as unknown
  return Array.isArray(parsed) && typeof parsed[0] === 'string' && typeof parsed[1] === 'string' ? { site: parsed[0], item: parsed[1] } : undefined
}

/** A record of the profiles topic: a user's profile of a day, null past the window. */
export const profileRecord = (site: string, user: string, day: number, profile: DailyProfile | null) => ({
  key: JSON.stringify([site, user, day]),
  value: profile && Buffer.from(JSON.stringify(profile)),
})

/** Reads a profiles record. */
export function readProfile(key: string, value: Buffer | null): { site: string; user: string; day: number; profile: DailyProfile | null } {
  const [site, user, day] = JSON.parse(key) as [string, string, number]
  return { site, user, day, profile: value && (JSON.parse(value.toString()) as DailyProfile) }
}

/** What the trending topic carries: a site's event time, an item's cell of an epoch, an item's clicks of a minute. */
export type TrendingRecord =
  | { kind: 'time'; site: string; time: number }
  | { kind: 'cell'; site: string; item: string; epoch: number; cell: Cell }
  | { kind: 'minute'; site: string; item: string; minute: number; clicks: number }

/** The key and value of a trending record. */
export function trendingRecord(r: TrendingRecord): { key: string; value: Buffer } {
  switch (r.kind) {
    case 'time':
      return { key: JSON.stringify(['time', r.site]), value: Buffer.from(JSON.stringify(r.time)) }
    case 'cell':
      return { key: JSON.stringify(['cell', r.site, r.item, r.epoch]), value: Buffer.from(JSON.stringify(r.cell)) }
    case 'minute':
      return { key: JSON.stringify(['minute', r.site, r.item, r.minute]), value: Buffer.from(JSON.stringify(r.clicks)) }
  }
}

/** Reads a trending record (undefined for a tombstone: the topic's retention deletes, nothing else). */
export function readTrending(key: string, value: Buffer | null): TrendingRecord | undefined {
  if (!value) return undefined
  const k = JSON.parse(key) as [string, string, string?, number?]
  const v = JSON.parse(value.toString()) as unknown
  if (k[0] === 'time') return { kind: 'time', site: k[1], time: v as number }
  if (k[0] === 'cell') return { kind: 'cell', site: k[1], item: k[2]!, epoch: k[3]!, cell: v as Cell }
  if (k[0] === 'minute') return { kind: 'minute', site: k[1], item: k[2]!, minute: k[3]!, clicks: v as number }
  return undefined
}
