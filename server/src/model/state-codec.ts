import { packExact as pack, unpackExact as unpack } from '../msgpack'
import type { ModelRow } from '@sequitur/sdk/protocol'
import type { DailyProfile } from './daily-profile'
import type { Kind, SessionPoint } from './session-links'
import type { SiteSettings } from './rules'
import type { SiteValidation } from './model'
import type { Cell, EpochState } from './take-rates'

/**
 * Every kind of keyed record the model writes, one type each, through the one codec below: its state
 * (what the embedded store's table and the Kafka changelogs hold alike) and what Kafka mode publishes
 * for the edges (rows, profiles, trending). A `null` value deletes the entry.
 */
export type StateEntry =
  /** A site's event time (ms); null once the site was removed. */
  | { kind: 'clock'; site: string; time: number | null }
  /** A site's own settings (the registry's); null once the site was removed. */
  | { kind: 'settings'; site: string; settings: SiteSettings | null }
  /** A site's latest self-validation (its chosen scorer parameters); null once the site was removed. */
  | { kind: 'validation'; site: string; validation: SiteValidation | null }
  /** A site's day sample: its current day and its last finished day; null once the site was removed. */
  | { kind: 'sample'; site: string; days: [current: number, latest: number | null] | null }
  /** A sampled session's trail, of the current day or (`latest`) of the last finished day; null once out of the sample. */
  | { kind: 'sampled'; site: string; session: string; latest: boolean; items: string[] | null }
  /** A session's latest items; null once it ended. */
  | { kind: 'session'; site: string; session: string; point: SessionPoint | null }
  /** Hashes of event ids the log received on `day` (part `part` of that day); null once forgotten. */
  | { kind: 'seen'; day: number; part: number; hashes: Uint32Array | null }
  /** What a day added to one statistic of a row; 0 deletes it. */
  | { kind: 'cell'; site: string; stat: Kind; src: string; dst: string; day: number; n: number }
  /** A user's profile of one day; null past the window. */
  | { kind: 'profile'; site: string; user: string; day: number; profile: DailyProfile | null }
  /** A trending epoch of a site; null once forgotten. */
  | { kind: 'epoch'; site: string; epoch: number; state: EpochState | null }
  /**
   * Kafka stage 2: a validation request of the site (its identity) whose second round has not come
   * yet, and the day it validates: the cells that day's rows before it read are kept; null once answered.
   */
  | { kind: 'hold'; site: string; offset: number; k: number; day: number | null }
  /** Kafka stage 2: the identity of the last increment applied from an events partition. */
  | { kind: 'applied'; from: number; offset: number; k: number }
  /** The input position the state reflects (embedded: the log's; Kafka: the next input offset). */
  | { kind: 'position'; next: number }
  /** Published: an item's row; null once it emptied. */
  | { kind: 'row'; site: string; item: string; row: ModelRow | null }
  /** Published: an item's impressions and clicks in a trending epoch. */
  | { kind: 'take'; site: string; item: string; epoch: number; cell: Cell }
  /** Published: an item's clicks in one minute (the recent-clicks feature). */
  | { kind: 'clicks'; site: string; item: string; minute: number; clicks: number }

/** A state entry as stored: its key and its value (`null` deletes the key). */
export type EncodedEntry = readonly [key: string, value: Buffer | null]

const STATS: readonly Kind[] = ['next', 'related']

/*
 * Keys are a letter, then each field: a string as its length, ':' and itself; a number and ';'.
 * Ids are any string (a length prefix needs no escaping); equal entries give equal keys, so a
 * compacted changelog keeps the latest.
 */
const s = (text: string): string => `${text.length}:${text}`

/** The key and value of an entry. */
export function encodeEntry(e: StateEntry): EncodedEntry {
  switch (e.kind) {
    case 'clock':
      return [`w${s(e.site)}`, e.time === null ? null : pack(e.time)]
    case 'settings':
      return [`g${s(e.site)}`, e.settings && pack([e.settings.windowDays, e.settings.topK])]
    case 'validation':
      return [`v${s(e.site)}`, e.validation && pack(e.validation)]
    case 'sample':
      return [`y${s(e.site)}`, e.days && pack(e.days)]
    case 'sampled':
      return [`j${s(e.site)}${e.latest ? 1 : 0};${s(e.session)}`, e.items && pack(e.items)]
    case 'session':
      return [`s${s(e.site)}${s(e.session)}`, e.point && pack([e.point.items, e.point.ts])]
    case 'seen':
      return [`d${e.day};${e.part};`, e.hashes && Buffer.from(e.hashes.buffer, e.hashes.byteOffset, e.hashes.byteLength)]
    case 'cell':
      return [`c${s(e.site)}${e.stat === 'next' ? 0 : 1};${s(e.src)}${s(e.dst)}${e.day};`, e.n === 0 ? null : pack(e.n)]
    case 'profile':
      return [`p${s(e.site)}${s(e.user)}${e.day};`, e.profile && pack(e.profile)]
    case 'epoch':
      return [`t${s(e.site)}${e.epoch};`, e.state && pack(e.state)]
    case 'hold':
      return [`h${s(e.site)}${e.offset};${e.k};`, e.day === null ? null : pack(e.day)]
    case 'applied':
      return [`a${e.from};`, pack([e.offset, e.k])]
    case 'position':
      return ['o', pack(e.next)]
    case 'row':
      return [`r${s(e.site)}${s(e.item)}`, e.row && pack(e.row)]
    case 'take':
      return [`k${s(e.site)}${s(e.item)}${e.epoch};`, pack([e.cell.impressions, e.cell.clicks])]
    case 'clicks':
      return [`m${s(e.site)}${s(e.item)}${e.minute};`, pack(e.clicks)]
  }
}

/** What stored entries go back into: `restored` completes a restore. */
export interface Restorable {
  restore(entry: StateEntry): void
  restored?(): void
}

/** Puts back stored entries (each key once) into `into`; returns the position they reflect (0 for none). */
export function restoreEntries(stored: Iterable<{ key: string; value: Buffer | null }>, into: Restorable): number {
  let position = 0
  for (const { key, value } of stored) {
    const entry = decodeEntry(key, value)
    if (entry.kind === 'position') position = entry.next
    else into.restore(entry)
  }
  into.restored?.()
  return position
}

/** Reads the fields of a key after its letter. */
class KeyReader {
  #at = 1
  constructor(readonly key: string) {}

  string(): string {
    const colon = this.key.indexOf(':', this.#at)
    const length = Number(this.key.slice(this.#at, colon))
    this.#at = colon + 1 + length
    return this.key.slice(colon + 1, this.#at)
  }

  number(): number {
    const end = this.key.indexOf(';', this.#at)
    const n = Number(this.key.slice(this.#at, end))
    this.#at = end + 1
    return n
  }
}

/** The entry a stored key and value stand for; throws on a key no version of Sequitur wrote. */
export function decodeEntry(key: string, value: Buffer | null): StateEntry {
  const r = new KeyReader(key)
  // Seen ids are raw bytes; every other value is msgpack.
  const v = value === null || key[0] === 'd' ? null : unpack(value)
  switch (key[0]) {
    case 'w':
      return { kind: 'clock', site: r.string(), time: v as number | null }
    case 'g': {
      const settings = v as [number, number] | null
      return { kind: 'settings', site: r.string(), settings: settings && { windowDays: settings[0], topK: settings[1] } }
    }
    case 'v':
      return { kind: 'validation', site: r.string(), validation: v as SiteValidation | null }
    case 'y':
      return { kind: 'sample', site: r.string(), days: v as [number, number | null] | null }
    case 'j': {
      const site = r.string()
      return { kind: 'sampled', site, latest: r.number() === 1, session: r.string(), items: v as string[] | null }
    }
    case 's': {
      const point = v as [string[], number] | null
      return { kind: 'session', site: r.string(), session: r.string(), point: point && { items: point[0], ts: point[1] } }
    }
    case 'd':
      return { kind: 'seen', day: r.number(), part: r.number(), hashes: value && new Uint32Array(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength)) }
    case 'c': {
      const site = r.string()
      return { kind: 'cell', site, stat: STATS[r.number()]!, src: r.string(), dst: r.string(), day: r.number(), n: (v as number | null) ?? 0 }
    }
    case 'p':
      return { kind: 'profile', site: r.string(), user: r.string(), day: r.number(), profile: v as DailyProfile | null }
    case 't':
      return { kind: 'epoch', site: r.string(), epoch: r.number(), state: v as EpochState | null }
    case 'h':
      return { kind: 'hold', site: r.string(), offset: r.number(), k: r.number(), day: v as number | null }
    case 'a': {
      const [offset, k] = v as [number, number]
      return { kind: 'applied', from: r.number(), offset, k }
    }
    case 'o':
      return { kind: 'position', next: v as number }
    case 'r':
      return { kind: 'row', site: r.string(), item: r.string(), row: v as ModelRow | null }
    case 'k': {
      const [impressions, clicks] = (v as [number, number] | null) ?? [0, 0]
      return { kind: 'take', site: r.string(), item: r.string(), epoch: r.number(), cell: { impressions, clicks } }
    }
    case 'm':
      return { kind: 'clicks', site: r.string(), item: r.string(), minute: r.number(), clicks: (v as number | null) ?? 0 }
    default:
      throw new Error(`unknown state key ${JSON.stringify(key.slice(0, 40))}`)
  }
}
