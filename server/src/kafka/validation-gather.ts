import { hubsOf } from '@sequitur/sdk/model'
import type { ModelRow } from '@sequitur/sdk/protocol'
import { validate, type SiteValidation, type ValidateOptions } from '../model'
import { requestParts, type ValidationRequest } from './increments-codec'
import { before, type RequestId, type ValidationPart } from './validation-parts'

/** What each stage-2 partition sends of one round, by chunk. */
type RoundRows = Map<number, { parts: Map<string, Array<[string, ModelRow]>>; expected: Map<number, number>; requests: number }>

/** One request being put together: its sessions and each stage-2 partition's rows, by chunk, in two rounds. */
interface Gathering {
  id: RequestId
  /** The offset of its first part in the validation-parts partition (the validator commits no further). */
  first: number
  day?: number
  partitions?: number
  sessions: Map<number, string[][]>
  sessionChunks?: number
  /** partition → `request:chunk` → rows, and how many of those each partition sends: the sampled items' (`rows`), then the hubs' (`hubs`). */
  rows: RoundRows
  hubs: RoundRows
  /** The second round was asked for. */
  asked?: boolean
}

/**
 * What a gathering turned into: the second round to ask every stage-2 partition for (`ask`: the
 * hubs whose rows each owns), or a site's validation to write (`run`), or (null) its removal.
 */
export type GatherResult =
  | {
      site: string
      /** Runs the validation (the costly part: the caller may heartbeat between results). */
      run(): SiteValidation | null
    }
  | { site: string; ask: Array<{ partition: number; request: ValidationRequest }> }

/** Options of the gather: the validation's, and where each item's row lives. */
export interface GatherOptions extends ValidateOptions {
  /** The increments partition of a site's item (the stage-2 partition that owns its row). */
  partitionOf?: (site: string, item: string) => number
}

/**
 * The validator's logic for one validation-parts partition, free of Kafka: puts each request's
 * parts together (the sampled sessions from stage 1, the rows from every stage-2 partition) and,
 * once all are in, runs the core's `validate` on exactly those rows. Adding a part twice changes
 * nothing; a site's older requests are dropped once a later one completed or the site was removed.
 */
export class ValidationGather {
  readonly #options: ValidateOptions
  readonly #partitionOf: (site: string, item: string) => number
  readonly #pending = new Map<string, Gathering>()
  /** Per site, the last request completed (or the removal): parts of requests up to it are stale. */
  readonly #done = new Map<string, Pick<RequestId, 'offset' | 'k'>>()

  constructor({ partitionOf = () => 0, ...options }: GatherOptions = {}) {
    this.#options = options
    this.#partitionOf = partitionOf
  }

  /** Takes the part at `offset`; returns what it completed, if anything. */
  add(part: ValidationPart, offset: number): GatherResult | undefined {
    const { site } = part
    const done = this.#done.get(site)
    if (done && !before(done, part)) return undefined
    if (part.kind === 'forget') {
      this.#finish(part)
      return { site, run: () => null }
    }
    const key = `${part.site}\0${part.offset}\0${part.k}`
    let g = this.#pending.get(key)
    if (!g) this.#pending.set(key, (g = { id: { site, from: part.from, offset: part.offset, k: part.k }, first: offset, sessions: new Map(), rows: new Map(), hubs: new Map() }))
    if (part.kind === 'sessions') {
      g.day = part.day
      g.partitions = part.partitions
      g.sessionChunks = part.chunks
      g.sessions.set(part.chunk, part.sessions)
    } else {
      const round = part.kind === 'rows' ? g.rows : g.hubs
      let p = round.get(part.partition)
      if (!p) round.set(part.partition, (p = { parts: new Map(), expected: new Map(), requests: part.requests }))
      p.parts.set(`${part.request}:${part.chunk}`, part.rows)
      p.expected.set(part.request, part.chunks)
    }
    if (g.partitions === undefined || g.sessions.size < g.sessionChunks! || !complete(g.rows, g.partitions)) return undefined
    const rows = new Map<string, ModelRow>()
    for (const p of g.rows.values()) for (const list of p.parts.values()) for (const [item, row] of list) rows.set(item, row)
    if (!g.asked) {
      g.asked = true
      return { site, ask: this.#ask(g, rows) }
    }
    if (!complete(g.hubs, g.partitions)) return undefined
    this.#finish(g.id)
    for (const p of g.hubs.values()) for (const list of p.parts.values()) for (const [item, row] of list) rows.set(item, row)
    const sessions = [...g.sessions].sort((a, b) => a[0] - b[0]).flatMap(([, s]) => s)
    const day = g.day!
    return { site, run: () => ({ day, ...validate((item) => rows.get(item), sessions, this.#options) }) }
  }

  /**
   * The second round: the hubs the sampled items' rows name (`hubsOf`) whose rows the first round did
   * not bring, asked of the partition owning each, and of every partition (each holds cells until asked).
   */
  #ask(g: Gathering, rows: ReadonlyMap<string, ModelRow>): Array<{ partition: number; request: ValidationRequest }> {
    const { site, from, offset, k } = g.id
    const by = Array.from({ length: g.partitions! }, () => [] as string[])
    const wanted = new Set<string>()
    for (const row of rows.values()) for (const hub of hubsOf(row)) if (!rows.has(hub)) wanted.add(hub)
    for (const hub of [...wanted].sort()) by[this.#partitionOf(site, hub)]!.push(hub)
    return by.flatMap((items, partition) => {
      const parts = requestParts(items)
      return parts.map((items, chunk) => ({ partition, request: { site, day: g.day!, from, offset, k, chunk, chunks: parts.length, items } }))
    })
  }

  /** The offset of the first part of a request still incomplete (where a new owner must read from), if any. */
  firstPending(): number | undefined {
    let first: number | undefined
    for (const g of this.#pending.values()) if (first === undefined || g.first < first) first = g.first
    return first
  }

  /** Marks `id` as the site's last word: its requests up to it are dropped. */
  #finish(id: RequestId): void {
    this.#done.set(id.site, { offset: id.offset, k: id.k })
    for (const [key, g] of this.#pending) if (g.id.site === id.site && !before(id, g.id)) this.#pending.delete(key)
  }
}

/** Whether a round has every partition's rows, every chunk of each. */
function complete(round: RoundRows, partitions: number): boolean {
  if (round.size < partitions) return false
  for (const p of round.values()) {
    if (p.expected.size < p.requests) return false
    let chunks = 0
    for (const n of p.expected.values()) chunks += n
    if (p.parts.size < chunks) return false
  }
  return true
}
