import type { Event, ItemEvent } from '@sequitur/sdk/protocol'
import { describe, expect, it } from 'vitest'
import { DAY_MS } from '../clock'
import { MemoryRowFeed, type RowChanges } from '../feed'
import type { EventSource, LogRecord } from '../log'
import { decodeEntry, type EncodedEntry } from '../model'
import { KvStore, RowTable, openDb, type Db } from '../state'
import { applyPlan, type CommitPlan, type PlanWriter } from './commit-plan'
import { Processor, type ProcessorOptions } from './processor'

const T0 = 100 * DAY_MS

/** An in-memory log: enough to drive the processor in a unit test. */
class ArraySource implements EventSource {
  readonly records: LogRecord[] = []
  /** Appends events, each received when it is stamped. */
  push(site: string, ...events: Event[]) {
    for (const event of events) this.records.push({ seq: this.records.length + 1, site, event, receivedAt: event.ts })
  }
  /** Appends events received at `receivedAt`. */
  pushAt(receivedAt: number, site: string, ...events: Event[]) {
    for (const event of events) this.records.push({ seq: this.records.length + 1, site, event, receivedAt })
  }
  read(after: number, max: number) {
    return this.records.filter((r) => r.seq > after).slice(0, max)
  }
  onAppend() {
    return () => {}
  }
  trim() {
    return 0
  }
}

let id = 0
const click = (session: string, item: string, ts = T0): ItemEvent => ({ id: `e${++id}`, type: 'click', item, session, ts })

/** The log position a store's state reflects. */
function positionOf(store: KvStore): number {
  for (const { key, value } of store.entries()) {
    const entry = decodeEntry(key, value)
    if (entry.kind === 'position') return entry.next
  }
  return 0
}

function setup(db: Db = openDb(':memory:'), source = new ArraySource(), store = new KvStore(db), options: Partial<ProcessorOptions> = {}) {
  const rows = new RowTable(db)
  const feed = new MemoryRowFeed()
  const published: RowChanges[] = []
  feed.subscribe((c) => published.push(c))
  const processor = new Processor({ source, store, rows, feed, clock: () => T0 + 70 * DAY_MS, batchSize: 3, ...options })
  return { db, source, rows, published, processor }
}

describe('Processor', () => {
  it('serves what it applied at once, and a crash before the commit replays the log from the last commit', async () => {
    const events = [click('a', 'A'), click('a', 'B'), click('b', 'A'), click('a', 'A'), click('b', 'C'), click('a', 'C')]
    const once = setup()
    once.source.push('demo', ...events)
    once.processor.drain()

    const db = openDb(':memory:')
    const source = new ArraySource()
    source.push('demo', ...events)
    const feed = new MemoryRowFeed()
    const rows = new RowTable(db)
    const store = new KvStore(db)
    const live = new Processor({ source, store, rows, feed, clock: () => T0, batchSize: 3, commitIntervalMs: 1e9 })
    live.start()
    await new Promise((resolve) => setImmediate(resolve))
    // The first batch is applied and readable, but neither its counts nor its position are committed.
    expect(live.position).toBe(3)
    expect(rows.rows('demo', ['A'])).toEqual({ A: { total: 1, next: [['B', 1]] } })
    expect(positionOf(store)).toBe(0)

    // A process that starts on the same files now (as after a crash) replays from position 0.
    const restarted = setup(db, source)
    expect(restarted.processor.position).toBe(0)
    restarted.processor.drain()
    expect(restarted.rows.rows('demo', ['A', 'B', 'C'], true)).toEqual(once.rows.rows('demo', ['A', 'B', 'C'], true))
    live.stop()
  })

  it('pushes only the rows clients hold, and derives the others when read or committed', () => {
    const db = openDb(':memory:')
    const source = new ArraySource()
    const feed = new MemoryRowFeed()
    const published: RowChanges[] = []
    feed.subscribe((c) => published.push(c))
    const rows = new RowTable(db)
    const wanted = (_site: string, item: string) => item === 'A'
    const processor = new Processor({ source, store: new KvStore(db), rows, feed, clock: () => T0, wanted })
    source.push('demo', click('s', 'A'), click('s', 'B'), click('s', 'A'))
    processor.drain()
    expect(published.map((c) => Object.keys(c.rows))).toEqual([['A']])
    expect(rows.rows('demo', ['A', 'B'])).toEqual({ A: { total: 1, next: [['B', 1]] }, B: { total: 1, next: [['A', 1]] } })
    // Committed too: a table opened afresh on the same database reads both.
    expect(new RowTable(db).changedSince('demo', ['A', 'B'], 0)).toMatchObject({ A: { total: 1 }, B: { total: 1 } })
  })

  it('drops days that leave the 60-day window and publishes the emptied row', () => {
    const { source, rows, published, processor } = setup()
    source.push('demo', click('s1', 'A', T0), click('s1', 'B', T0))
    processor.drain()
    expect(rows.rows('demo', ['A'])).toEqual({ A: { total: 1, next: [['B', 1]] } })
    source.push('demo', click('s2', 'X', T0 + 60 * DAY_MS), click('s2', 'Y', T0 + 60 * DAY_MS))
    processor.drain()
    expect(rows.rows('demo', ['A'])).toEqual({})
    expect(published.at(-1)!.rows).toMatchObject({ A: null, B: null, X: { total: 1, next: [['Y', 1]] } })
  })

  it("takes a site's settings, and forgets a removed site: rows empty and pushed, its state deleted at the next commit, kept after a restart", () => {
    const { db, source, rows, published, processor } = setup()
    for (const site of ['gone', 'kept']) source.push(site, click('s1', 'A'), click('s1', 'B'), click('s2', 'A'), click('s2', 'C'))
    processor.drain()
    processor.configure('kept', { windowDays: 60, topK: 1 })
    expect(rows.rows('kept', ['A'])).toEqual({ A: { total: 2, next: [['B', 1]] } })
    processor.configure('gone', null)
    expect(rows.rows('gone', ['A', 'B'])).toEqual({})
    expect(published.at(-1)).toMatchObject({ site: 'gone', rows: { A: null, B: null } })
    processor.drain()
    const store = new KvStore(db)
    const sites = [...store.entries()].map(({ key, value }) => decodeEntry(key, value)).map((e) => ('site' in e ? e.site : ''))
    expect(sites).not.toContain('gone')
    // A restarted processor keeps the stored settings.
    const again = setup(db, source, store)
    source.push('kept', click('s3', 'A'), click('s3', 'C'))
    again.processor.drain()
    expect(again.rows.rows('kept', ['A'])).toEqual({ A: { total: 3, next: [['C', 2]] } })
  })

  it('gives the model each event\'s receive time from the log: one stamped 80 days ahead counts at its receipt', () => {
    const { source, rows, processor } = setup()
    source.pushAt(T0, 'demo', click('s', 'A', T0 + 80 * DAY_MS), click('s', 'B', T0))
    source.pushAt(T0, 'demo', click('x', 'Y', T0 - 30 * DAY_MS), click('x', 'Z', T0 - 30 * DAY_MS))
    processor.drain()
    // Had A's stamp moved the site's time, the window would have dropped Y → Z.
    expect(rows.rows('demo', ['A', 'Y'])).toEqual({ A: { total: 1, next: [['B', 1]] }, Y: { total: 1, next: [['Z', 1]] } })
  })

  it('restarts from its stored position with its stored state', () => {
    const events = [click('a', 'A'), click('a', 'B'), click('b', 'A'), click('a', 'A'), click('b', 'C'), click('a', 'C'), click('b', 'A')]
    const once = setup()
    once.source.push('demo', ...events)
    once.processor.drain()

    const db = openDb(':memory:')
    const source = new ArraySource()
    source.push('demo', ...events.slice(0, 4))
    setup(db, source).processor.drain()
    source.push('demo', ...events.slice(4))
    const restarted = setup(db, source)
    expect(restarted.processor.position).toBe(4)
    restarted.processor.drain()
    expect(restarted.rows.rows('demo', ['A', 'B', 'C'])).toEqual(once.rows.rows('demo', ['A', 'B', 'C']))
  })

  it('rolls back a failed batch and applies it again exactly once', () => {
    class FailingOnce extends KvStore {
      failed = false
      override write(writes: Iterable<EncodedEntry>) {
        const all = [...writes]
        if (!this.failed && all.some(([key]) => /^c.*1:C\d+;$/.test(key))) {
          this.failed = true
          throw new Error('disk full')
        }
        super.write(all)
      }
    }
    const db = openDb(':memory:')
    const store = new FailingOnce(db)
    const { source, rows, processor } = setup(db, new ArraySource(), store)
    source.push('demo', click('s', 'A'), click('s', 'B'), click('s', 'A'), click('s', 'C'))
    processor.drain()
    expect(store.failed).toBe(true)
    processor.drain()
    expect(rows.rows('demo', ['A', 'B'])).toEqual({ A: { total: 2, next: [['B', 1], ['C', 1]] }, B: { total: 1, next: [['A', 1]] } })
  })

  it('with commits in flight on another thread: a failed one refuses the later ones, and the reload after both counts everything once', async () => {
    const events = [click('a', 'A'), click('a', 'B'), click('b', 'A'), click('a', 'A'), click('b', 'C'), click('a', 'C')]
    const once = setup()
    once.source.push('demo', ...events)
    once.processor.drain()

    // A writer that holds each plan until told to write or fail it (as the writer thread answers later).
    const db = openDb(':memory:')
    const store = new KvStore(db)
    const held: Array<{ plan: CommitPlan; epoch: number; resolve(): void; reject(e: Error): void }> = []
    let failedEpoch = -1
    const writer: PlanWriter = {
      write: (plan, epoch) => new Promise((resolve, reject) => held.push({ plan, epoch, resolve, reject })),
    }
    const settle = (fail: boolean) => {
      const next = held.shift()!
      if (fail || next.epoch <= failedEpoch) {
        failedEpoch = Math.max(failedEpoch, next.epoch)
        return next.reject(new Error('disk full'))
      }
      applyPlan({ store, rows }, next.plan)
      next.resolve()
    }
    const errors: unknown[] = []
    const { source, rows, processor } = setup(db, new ArraySource(), store, { writer, onError: (e) => errors.push(e) })
    source.push('demo', ...events.slice(0, 3))
    processor.drain() // plan 1 in flight
    source.push('demo', ...events.slice(3))
    processor.drain() // plan 2 in flight
    expect(held.length).toBe(2)
    // Served from memory while being written.
    expect(rows.rows('demo', ['A', 'B', 'C'], true)).toEqual(once.rows.rows('demo', ['A', 'B', 'C'], true))
    settle(true)
    await new Promise((resolve) => setImmediate(resolve))
    expect(errors.length).toBe(1)
    settle(false) // refused: same epoch as the failed one
    await new Promise((resolve) => setImmediate(resolve))
    expect(positionOf(store)).toBe(0)
    expect(processor.position).toBe(0) // reloaded from the last commit
    processor.drain()
    settle(false)
    await new Promise((resolve) => setImmediate(resolve))
    expect(positionOf(store)).toBe(6)
    expect(new RowTable(db).rows('demo', ['A', 'B', 'C'], true)).toEqual(once.rows.rows('demo', ['A', 'B', 'C'], true))
  })
})
