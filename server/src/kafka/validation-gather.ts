import type { ModelRow } from '@sequitur/sdk/protocol'
import { validate, type SiteValidation, type ValidateOptions } from '../model'
import { before, type RequestId, type ValidationPart } from './validation-parts'

/** One request being put together: its sessions and each stage-2 partition's rows, by chunk. */
interface Gathering {
  id: RequestId
  /** The offset of its first part in the validation-parts partition (the validator commits no further). */
  first: number
  day?: number
  partitions?: number
  sessions: Map<number, string[][]>
  sessionChunks?: number
  /** partition → `request:chunk` → rows, and how many of those each partition sends. */
  rows: Map<number, { parts: Map<string, Array<[string, ModelRow]>>; expected: Map<number, number>; requests: number }>
}

/** What a gathering turned into: a site's validation to write, or (null) its removal. */
export interface GatherResult {
  site: string
  /** Runs the validation (the costly part: the caller may heartbeat between results). */
  run(): SiteValidation | null
}

/**
 * The validator's logic for one validation-parts partition, free of Kafka: puts each request's
 * parts together (the sampled sessions from stage 1, the rows from every stage-2 partition) and,
 * once all are in, runs the core's `validate` on exactly those rows. Adding a part twice changes
 * nothing; a site's older requests are dropped once a later one completed or the site was removed.
 */
export class ValidationGather {
  readonly #options: ValidateOptions
  readonly #pending = new Map<string, Gathering>()
  /** Per site, the last request completed (or the removal): parts of requests up to it are stale. */
  readonly #done = new Map<string, Pick<RequestId, 'offset' | 'k'>>()

  constructor(options: ValidateOptions = {}) {
    this.#options = options
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
    if (!g) this.#pending.set(key, (g = { id: { site, from: part.from, offset: part.offset, k: part.k }, first: offset, sessions: new Map(), rows: new Map() }))
    if (part.kind === 'sessions') {
      g.day = part.day
      g.partitions = part.partitions
      g.sessionChunks = part.chunks
      g.sessions.set(part.chunk, part.sessions)
    } else {
      let p = g.rows.get(part.partition)
      if (!p) g.rows.set(part.partition, (p = { parts: new Map(), expected: new Map(), requests: part.requests }))
      p.parts.set(`${part.request}:${part.chunk}`, part.rows)
      p.expected.set(part.request, part.chunks)
    }
    if (!complete(g)) return undefined
    this.#finish(g.id)
    const sessions = [...g.sessions].sort((a, b) => a[0] - b[0]).flatMap(([, s]) => s)
    const rows = new Map<string, ModelRow>()
    for (const p of g.rows.values()) for (const list of p.parts.values()) for (const [item, row] of list) rows.set(item, row)
    const day = g.day!
    return { site, run: () => ({ day, ...validate((item) => rows.get(item), sessions, this.#options) }) }
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

/** Whether a gathering has its sessions and every partition's rows, every chunk of each. */
function complete(g: Gathering): boolean {
  if (g.partitions === undefined || g.sessions.size < g.sessionChunks! || g.rows.size < g.partitions) return false
  for (const p of g.rows.values()) {
    if (p.expected.size < p.requests) return false
    let chunks = 0
    for (const n of p.expected.values()) chunks += n
    if (p.parts.size < chunks) return false
  }
  return true
}
