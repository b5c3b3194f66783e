import type { ModelRow } from '@sequitur/sdk/protocol'
import { pack, unpack } from 'msgpackr'
import { RowCounts, type ModelOptions } from '../processor/row-counts'
import type { Kind } from '../processor/session-links'
import type { IncrementRecord } from './sessionizer'
import type { ChangelogRecord, InputRecord, OutputRecord, StageResult, StageTask } from './stage'

/** Header carrying the latest event time (ms) behind a row change, for the freshness metric. */
export const EVENT_TS_HEADER = 'event-ts'

/**
 * Stage 2 of Kafka mode, per partition of the increments topic (keyed by site and source item, so each
 * row has one owner): adds increments to the row counts, moves the window, and emits each changed row
 * (a tombstone when it empties) to the rows topic.
 */
export class AggregatorTask implements StageTask {
  readonly #counts = new Map<string, RowCounts>()
  readonly #watermarks = new Map<string, number>()
  /** Cells read while restoring: the changelog may hold several values of a cell; the last one counts. */
  readonly #restoring = new Map<string, number>()
  /**
   * Per events partition, the identity (event offset, index) of the last increment applied: one seen
   * again (a producer retry, or a batch processed twice by an old and a new owner) is skipped.
   */
  readonly #applied = new Map<number, [offset: number, k: number]>()

  constructor(
    readonly rowsTopic: string,
    readonly options: ModelOptions,
  ) {}

  restore(key: string, value: Buffer | null): void {
    const [kind, site] = key.split('\0')
    if (!site || !value) return
    if (kind === 'a') this.#applied.set(Number(site), unpack(value) as [number, number])
    if (kind === 'w') this.#watermarks.set(site, unpack(value) as number)
    if (kind === 'c') this.#restoring.set(key, unpack(value) as number)
  }

  restored(): void {
    for (const [key, n] of this.#restoring) {
      const [, site, stat, src, dst, day] = key.split('\0') as [string, string, Kind, string, string, string]
      this.#countsOf(site).add(stat, src, dst, Number(day), n)
    }
    this.#restoring.clear()
    // Cells older than the window may still sit in the changelog until retention removes them.
    for (const [site, day] of this.#watermarks) this.#countsOf(site).advance(day)
  }

  process(records: readonly InputRecord[]): StageResult {
    const dirty = new Map<string, number>()
    const cells = new Map<string, { site: string; kind: Kind; src: string; dst: string; day: number }>()
    const changelog: ChangelogRecord[] = []
    const applied = new Set<number>()
    for (const { value } of records) {
      const r = unpack(value) as IncrementRecord
      const last = this.#applied.get(r.from)
      if (last && (r.offset < last[0] || (r.offset === last[0] && r.k <= last[1]))) continue
      this.#applied.set(r.from, [r.offset, r.k])
      applied.add(r.from)
      const counts = this.#countsOf(r.site)
      for (const [kind, dst, day, n] of r.adds) {
        if (day > counts.watermark) {
          for (const src of counts.advance(day)) dirty.set(`${r.site}\0${src}`, dirty.get(`${r.site}\0${src}`) ?? 0)
          changelog.push({ key: `w\0${r.site}`, value: pack(day) })
        }
        if (!counts.add(kind, r.src, dst, day, n)) continue
        cells.set(`c\0${r.site}\0${kind}\0${r.src}\0${dst}\0${day}`, { site: r.site, kind, src: r.src, dst, day })
        const row = `${r.site}\0${r.src}`
        dirty.set(row, Math.max(dirty.get(row) ?? 0, r.ts))
      }
    }
    for (const from of applied) changelog.push({ key: `a\0${from}`, value: pack(this.#applied.get(from)) })
    for (const [key, c] of cells) {
      changelog.push({ key, value: pack(this.#countsOf(c.site).count(c.kind, c.src, c.dst, c.day)) })
    }
    const outputs: OutputRecord[] = []
    for (const [key, ts] of dirty) {
      const [site, item] = key.split('\0') as [string, string]
      const row: ModelRow | undefined = this.#countsOf(site).row(item)
      outputs.push({
        topic: this.rowsTopic,
        key,
        value: row ? pack(row) : null,
        ...(ts > 0 ? { headers: { [EVENT_TS_HEADER]: String(ts) } } : {}),
      })
    }
    return { outputs, changelog }
  }

  #countsOf(site: string): RowCounts {
    let counts = this.#counts.get(site)
    if (!counts) this.#counts.set(site, (counts = new RowCounts(this.options)))
    return counts
  }
}
