import { pack, unpack } from 'msgpackr'
import type { Increments, Kind, SiteSettings } from '../model'
import { MAX_RECORD_BYTES } from './record-size'
import type { OutputRecord } from './stage'

/*
 * The increments topic's records: what the session stage tells the count stage (`Increments`), one
 * value per increments partition and stage-1 batch (or a few when large). Each call but `clock` is
 * identified by `from` (the events partition), the offset of the events record it comes from and
 * its index among that record's outputs (`k`): stage 2 applies each identity once. `clock` and
 * `site` are idempotent and go to every partition, before the records that follow from them.
 *
 * On the wire a value is one flat msgpack array, `[LAYOUT, from, ...records]`, each record:
 *   row      0, site, src, time, offset, k, count, then count × (kind 0 next | 1 related, dst, day, n)
 *   take     1, site, kind (0 impression, 1 click), item, list | null, time, offset, k
 *   profile  2, site, user, day, item, offset, k
 *   clock    3, site, time
 *   site     4, site, [windowDays, topK] | null (removed)
 *   validate 5, site, day, offset, k, request (its first k), chunk, chunks, count, then count × item:
 *            (part `chunk` of `chunks` of) a validation request of the site's finished `day`, naming
 *            the items of its sampled sessions whose rows this partition owns
 *   hubs     6, site, day, offset, k, chunk, chunks, count, then count × item: (part of) the
 *            second round of the request `offset`/`k` (its first k), written by the validator:
 *            the hubs (the items the sampled items' rows name first) whose rows this partition owns
 * A flat array of strings and numbers packs and unpacks without an object per record. Values of
 * earlier layouts are not read: they need an upgrade that starts the topics afresh (README).
 */
const LAYOUT = -2
const ROW = 0
const TAKE = 1
const PROFILE = 2
const CLOCK = 3
const SITE = 4
const VALIDATE = 5
const HUBS = 6
const KINDS: readonly Kind[] = ['next', 'related']

/** Bytes a string takes in msgpack at most (3 per UTF-16 unit, and its header); a number takes 9 at most. */
const sizeOf = (text: string): number => 3 * text.length + 5
/** The most bytes of item ids one validation request record names. */
const REQUEST_BYTES = 256 * 1024
/** The most a value's header, layout and `from` take. */
const HEADER_BYTES = 15

/** The values of one partition, cut before their size could pass `cut`. */
class PartitionValues {
  readonly full: unknown[][] = []
  values: unknown[]
  #bytes = HEADER_BYTES
  /** The latest clock written per site. */
  readonly clocks = new Map<string, number>()

  constructor(readonly from: number, readonly cut: number) {
    this.values = [LAYOUT, from]
  }

  /** The values a new record of about `bytes` goes to. */
  start(bytes: number): unknown[] {
    if (this.#bytes + bytes > this.cut && this.values.length > 2) {
      this.full.push(this.values)
      this.values = [LAYOUT, this.from]
      this.#bytes = HEADER_BYTES
    }
    this.#bytes += bytes
    return this.values
  }

  grow(bytes: number): void {
    this.#bytes += bytes
  }
}

/**
 * The session stage's `Increments` as the records of one stage-1 batch, by increments partition:
 * each record goes to the partition of its row (site and source item), item, or user, so each has
 * one owner in stage 2; a site's clock goes to every partition.
 */
export class IncrementsWriter implements Increments {
  readonly #parts = new Map<number, PartitionValues>()
  /** The partition of each site's keys seen lately, found without joining strings. */
  readonly #partitions = new Map<string, Map<string, number>>()
  readonly #clocks = new Map<string, number>()
  #offset = 0
  #k = 0
  #row: PartitionValues | undefined
  #count = -1

  constructor(
    readonly topic: string,
    /** The events partition this batch comes from. */
    readonly from: number,
    /** How many partitions the increments topic has. */
    readonly partitions: number,
    /** The increments partition of a site's key (a source item, an item, or `\u0001` + user). */
    readonly partitionOf: (site: string, key: string) => number,
    /** The most bytes a value takes (unless a single record is larger). */
    readonly cut = MAX_RECORD_BYTES,
  ) {}

  /** The events record the next calls come from: its offset, and its outputs numbered from 0. */
  at(offset: number): void {
    this.#offset = offset
    this.#k = 0
  }

  clock(site: string, time: number): void {
    this.#clocks.set(site, time)
  }

  site(site: string, settings: SiteSettings | null): void {
    for (let p = 0; p < this.partitions; p++) {
      const part = this.#part(p)
      this.#clockTo(part, site)
      part.start(sizeOf(site) + 12).push(SITE, site, settings && [settings.windowDays, settings.topK])
    }
  }

  row(site: string, src: string, time: number): void {
    const part = (this.#row = this.#to(site, src))
    part.start(sizeOf(site) + sizeOf(src) + 37).push(ROW, site, src, time, this.#offset, this.#k++, 0)
    this.#count = part.values.length - 1
  }

  cell(kind: Kind, dst: string, day: number, n: number): void {
    const values = this.#row!.values
    values.push(kind === 'next' ? 0 : 1, dst, day, n)
    ;(values[this.#count] as number)++
    this.#row!.grow(sizeOf(dst) + 19)
  }

  take(site: string, kind: 'impression' | 'click', item: string, list: string | undefined, time: number): void {
    this.#to(site, item)
      .start(sizeOf(site) + sizeOf(item) + (list === undefined ? 1 : sizeOf(list)) + 29)
      .push(TAKE, site, kind === 'impression' ? 0 : 1, item, list ?? null, time, this.#offset, this.#k++)
  }

  profile(site: string, user: string, day: number, item: string): void {
    this.#to(site, `\u0001${user}`).start(sizeOf(site) + sizeOf(user) + sizeOf(item) + 28).push(PROFILE, site, user, day, item, this.#offset, this.#k++)
  }

  /**
   * A validation request of the site's finished `day` to every partition, in order with the site's
   * increments (after its clock, before what follows): each partition gets the items of `items`
   * whose rows it owns (maybe none; it answers all the same), in one record or, when many, several
   * (`chunks`), each identified like an increment. Returns the request's identity (its first `k`).
   */
  request(site: string, day: number, items: Iterable<string>): { offset: number; k: number } {
    const by = Array.from({ length: this.partitions }, () => [] as string[])
    for (const item of items) by[this.partitionOf(site, item)]!.push(item)
    const first = this.#k
    for (let p = 0; p < this.partitions; p++) {
      const part = this.#part(p)
      this.#clockTo(part, site)
      const chunks = requestParts(by[p]!)
      chunks.forEach((mine, chunk) => {
        const values = part.start(sizeOf(site) + 60 + mine.reduce((n, item) => n + sizeOf(item), 0))
        values.push(VALIDATE, site, day, this.#offset, this.#k++, first, chunk, chunks.length, mine.length)
        for (const item of mine) values.push(item)
      })
    }
    return { offset: this.#offset, k: first }
  }

  /** The batch's records as Kafka records, then starts afresh. */
  drain(): OutputRecord[] {
    // Every partition learns each site's latest clock, with records or not.
    for (let p = 0; p < this.partitions; p++) this.#clockTo(this.#part(p))
    this.#clocks.clear()
    const out: OutputRecord[] = []
    for (const [partition, part] of this.#parts) {
      for (const values of [...part.full, part.values]) {
        if (values.length > 2) out.push({ topic: this.topic, partition, key: String(partition), value: pack(values) })
      }
      part.full.length = 0
      part.values = [LAYOUT, this.from]
    }
    return out
  }

  #to(site: string, key: string): PartitionValues {
    let known = this.#partitions.get(site)
    if (!known) this.#partitions.set(site, (known = new Map()))
    let partition = known.get(key)
    if (partition === undefined) {
      if (known.size >= 100_000) known.clear()
      known.set(key, (partition = this.partitionOf(site, key)))
    }
    const part = this.#part(partition)
    this.#clockTo(part, site)
    return part
  }

  #part(partition: number): PartitionValues {
    let part = this.#parts.get(partition)
    if (!part) this.#parts.set(partition, (part = new PartitionValues(this.from, this.cut)))
    return part
  }

  /** Writes to `part` the clocks it has not seen yet (of one site, or of all). */
  #clockTo(part: PartitionValues, site?: string): void {
    for (const [s, time] of site === undefined ? this.#clocks : [[site, this.#clocks.get(site)] as const]) {
      if (time === undefined || (part.clocks.get(s) ?? -Infinity) >= time) continue
      part.clocks.set(s, time)
      part.start(sizeOf(s) + 10).push(CLOCK, s, time)
    }
  }
}

/**
 * (A part of) a validation request as stage 2 reads it: the site's finished day, the request's
 * identity (`from`, `offset`, `k`), which part of the request this is, and the items it owns.
 */
export interface ValidationRequest {
  site: string
  day: number
  from: number
  offset: number
  k: number
  chunk: number
  chunks: number
  items: string[]
}

/**
 * The second round of a validation request to one increments partition, as the validator writes it:
 * the hubs whose rows that partition owns, in one value per part (`chunk` of `chunks`); the value's
 * `from` is the request's (its events partition).
 */
export function encodeHubs(r: ValidationRequest): Buffer {
  return pack([LAYOUT, r.from, HUBS, r.site, r.day, r.offset, r.k, r.chunk, r.chunks, r.items.length, ...r.items])
}

/** `items` in parts of at most `REQUEST_BYTES` of ids (at least one part, maybe empty). */
export function requestParts(items: readonly string[]): string[][] {
  const parts: string[][] = [[]]
  let bytes = 0
  for (const item of items) {
    if (bytes + sizeOf(item) > REQUEST_BYTES) (parts.push([]), (bytes = 0))
    parts.at(-1)!.push(item)
    bytes += sizeOf(item)
  }
  return parts
}

/**
 * Calls `visit` for each record of an increments value, in order, skipping those whose identity
 * `fresh` says was applied before (a producer retry, or a batch processed by an old and a new owner);
 * validation requests go to `request` (`round` 1, from stage 1) and their second rounds (2, from the
 * validator; the request's hold makes them idempotent), at their place among the increments.
 */
export function readIncrements(
  value: Buffer,
  visit: Increments,
  fresh: (from: number, offset: number, k: number) => boolean,
  request: (r: ValidationRequest, round: 1 | 2) => void = () => {},
): void {
  const v = unpack(value) as unknown[]
  if (!Array.isArray(v) || v[0] !== LAYOUT) throw new Error('an increments record of an unknown layout (written by another version?)')
  const from = v[1] as number
  for (let i = 2; i < v.length; ) {
    const site = v[i + 1] as string
    switch (v[i]) {
      case ROW: {
        const count = v[i + 6] as number
        if (fresh(from, v[i + 4] as number, v[i + 5] as number)) {
          visit.row(site, v[i + 2] as string, v[i + 3] as number)
          for (let j = i + 7; j < i + 7 + 4 * count; j += 4) visit.cell(KINDS[v[j] as number]!, v[j + 1] as string, v[j + 2] as number, v[j + 3] as number)
        }
        i += 7 + 4 * count
        break
      }
      case TAKE:
        if (fresh(from, v[i + 6] as number, v[i + 7] as number)) {
          visit.take(site, v[i + 2] === 0 ? 'impression' : 'click', v[i + 3] as string, (v[i + 4] as string | null) ?? undefined, v[i + 5] as number)
        }
        i += 8
        break
      case PROFILE:
        if (fresh(from, v[i + 5] as number, v[i + 6] as number)) visit.profile(site, v[i + 2] as string, v[i + 3] as number, v[i + 4] as string)
        i += 7
        break
      case CLOCK:
        visit.clock(site, v[i + 2] as number)
        i += 3
        break
      case SITE: {
        const settings = v[i + 2] as [number, number] | null
        visit.site(site, settings && { windowDays: settings[0], topK: settings[1] })
        i += 3
        break
      }
      case VALIDATE: {
        const count = v[i + 8] as number
        const [day, offset] = [v[i + 2] as number, v[i + 3] as number]
        if (fresh(from, offset, v[i + 4] as number)) {
          request({ site, day, from, offset, k: v[i + 5] as number, chunk: v[i + 6] as number, chunks: v[i + 7] as number, items: v.slice(i + 9, i + 9 + count) as string[] }, 1)
        }
        i += 9 + count
        break
      }
      case HUBS: {
        const count = v[i + 7] as number
        const [day, offset, k, chunk, chunks] = v.slice(i + 2, i + 7) as number[]
        request({ site, day: day!, from, offset: offset!, k: k!, chunk: chunk!, chunks: chunks!, items: v.slice(i + 8, i + 8 + count) as string[] }, 2)
        i += 8 + count
        break
      }
      default:
        throw new Error(`unknown increments record type ${String(v[i])}`)
    }
  }
}
