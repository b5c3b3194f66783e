import type { CatalogItem, ModelRow } from '@sequitur/sdk/protocol'
import { CountStage, encodeEntry, type ModelOptions, type StateEntry } from '../model'
import { readIncrements, type ValidationRequest } from './increments-codec'
import type { ChangelogRecord, InputRecord, OutputRecord, StageResult, StageTask } from './stage'
import { chunked, encodePart } from './validation-parts'

/** Header carrying the latest event time (ms) behind a row change, for the freshness metric. */
export const EVENT_TS_HEADER = 'event-ts'

/** The topics stage 2 publishes to, and what it reads attributes from. */
export interface CountTaskOptions {
  rowsTopic: string
  /** The rows topic's partition of a row (its key's, `JSON.stringify([site, item])`); default the record key's. */
  rowPartition?: (site: string, item: string) => number
  profilesTopic: string
  trendingTopic: string
  /** Where the answers to validation requests go (keyed by site). */
  validationPartsTopic?: string
  /** The increments partition this task owns (named in its answers). */
  partition?: number
  catalog?: (site: string, item: string) => CatalogItem | undefined
}

/**
 * Kafka stage 2, per increments partition (each row, item and user has one): the model's count
 * stage (`CountStage`) fed from the increments topic, applying each increment's identity once; each
 * changed row to the rows topic (a tombstone when it empties), profiles and trending to theirs, its
 * state to the counts changelog. It answers each validation request, at its place among the
 * increments, with the rows it owns that the request names, as they were before the request's day.
 */
export class CountTask implements StageTask {
  readonly #stage: CountStage
  readonly #o: CountTaskOptions
  /** Per events partition, the identity (event offset, index) of the last increment applied. */
  readonly #applied = new Map<number, [offset: number, k: number]>()

  constructor(model: ModelOptions, o: CountTaskOptions) {
    this.#o = o
    this.#stage = new CountStage(model, { catalog: o.catalog })
  }

  restore(entry: StateEntry): void {
    if (entry.kind === 'applied') this.#applied.set(entry.from, [entry.offset, entry.k])
    else this.#stage.restore(entry)
  }

  restored(): void {
    this.#stage.restored()
  }

  process(records: readonly InputRecord[]): StageResult {
    const applied = new Set<number>()
    const fresh = (from: number, offset: number, k: number) => {
      const last = this.#applied.get(from)
      if (last && (offset < last[0] || (offset === last[0] && k <= last[1]))) return false
      this.#applied.set(from, [offset, k])
      applied.add(from)
      return true
    }
    const outputs: OutputRecord[] = []
    const answer = (r: ValidationRequest, round: 1 | 2) => this.#answer(r, round, outputs)
    for (const { value } of records) readIncrements(value, this.#stage, fresh, answer)
    const { rowsTopic, profilesTopic, trendingTopic } = this.#o
    const changelog: ChangelogRecord[] = []
    const publish = (topic: string, entry: StateEntry, headers?: Record<string, string>, partition?: number) => {
      const [key, value] = encodeEntry(entry)
      outputs.push({ topic, key, value, ...(headers ? { headers } : {}), ...(partition === undefined ? {} : { partition }) })
    }
    const rowPartition = this.#o.rowPartition
    const write = (entry: StateEntry) => {
      const [key, value] = encodeEntry(entry)
      changelog.push({ key, value })
      // The edges serve profiles from their topic.
      if (entry.kind === 'profile') outputs.push({ topic: profilesTopic, key, value })
    }
    for (const from of applied) {
      const [offset, k] = this.#applied.get(from)!
      write({ kind: 'applied', from, offset, k })
    }
    for (const [site, items] of this.#stage.drainRows()) {
      for (const [item, ts] of items) {
        const entry: StateEntry = { kind: 'row', site, item, row: this.#stage.rowOf(site, item) }
        publish(rowsTopic, entry, ts > 0 ? { [EVENT_TS_HEADER]: String(ts) } : undefined, rowPartition?.(site, item))
      }
    }
    this.#stage.drainTrending((entry) => publish(trendingTopic, entry))
    this.#stage.drainState(write)
    return { outputs, changelog }
  }

  /**
   * The rows a validation request names, as they were before its day. The first round (stage 1's:
   * the sampled sessions' items) holds those rows until the second (the validator's: the hubs their
   * rows name) has come, which is answered from the same cells however far the site moved since,
   * then lets them go; a second round that comes again is not answered again.
   */
  #answer({ site, day, from, offset, k, chunk: request, chunks: requests, items }: ValidationRequest, round: 1 | 2, outputs: OutputRecord[]): void {
    const topic = this.#o.validationPartsTopic
    if (!topic) return
    if (round === 1) this.#stage.hold(site, offset, k, day)
    else if (!this.#stage.held(site, offset, k)) return
    const before = this.#stage.rowsBefore(site, day)
    const rows: Array<[string, ModelRow]> = []
    for (const item of items) {
      const row = before(item)
      if (row) rows.push([item, row])
    }
    const chunks = chunked(rows)
    const partition = this.#o.partition ?? 0
    const kind = round === 1 ? 'rows' : 'hubs'
    chunks.forEach((rows, chunk) => outputs.push({ topic, key: site, value: encodePart({ kind, site, from, offset, k, partition, request, requests, chunk, chunks: chunks.length, rows }) }))
    if (round === 2 && request === requests - 1) this.#stage.release(site, offset, k)
  }
}
