import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { DAY_MS } from '../clock'
import { MemoryRowFeed } from '../feed/row-feed'
import type { LogRecord } from '../log/event-log'
import { ModelStore } from '../state/model-store'
import { RowTable } from '../state/row-table'
import { openDb } from '../state/sqlite'
import type { CommitPlan } from './commit-plan'
import type { Kind } from './site-model'
import { Processor } from './processor'
import { ThreadedPlanWriter } from './threaded-plan-writer'

const plan = (position: number, n: number, kind: Kind = 'next'): CommitPlan => ({
  advances: [],
  counts: { site: ['demo'], kind: [kind], src: ['A'], dst: ['B'], day: [10], n: [n] },
  sessions: [['demo', 's', { items: ['A', 'B'], ts: 5 }]],
  profiles: [],
  trending: [],
  rows: [{ site: 'demo', item: 'A', version: position, total: n, next: '[["B",1]]', related: null, attrs: null }],
  rowsVersion: position,
  position,
})

describe('ThreadedPlanWriter', () => {
  it('writes plans in order on its thread; after a failed plan it refuses the rest of that epoch and takes the next', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sequitur-plans-')), 'state.db')
    const db = openDb(file)
    const store = new ModelStore(db)
    const rows = new RowTable(db)
    const writer = new ThreadedPlanWriter({ file })
    await Promise.all([writer.write(plan(1, 1), 0), writer.write(plan(2, 2), 0)])
    expect(store.position('log')).toBe(2)
    expect(rows.rows('demo', ['A'])).toEqual({ A: { total: 2, next: [['B', 1]] } })

    const failing = writer.write(plan(3, 1, 'nope' as Kind), 0) // no such statistic: the insert fails
    const refused = writer.write(plan(4, 1), 0)
    const next = writer.write(plan(3, 5), 1)
    await expect(failing).rejects.toThrow()
    await expect(refused).rejects.toThrow(/refused/)
    await next
    expect(store.position('log')).toBe(3)
    await writer.close()
    await expect(writer.write(plan(5, 1), 1)).rejects.toThrow(/closed/)
    let counted = 0
    store.load({ watermark: () => {}, count: (_s, _k, _src, _dst, _day, n) => (counted += n), session: () => {} })
    expect(counted).toBe(1 + 2 + 5)
    db.close()
  })

  it('when the thread dies, a processor writing through it reloads, replays and commits everything once on a new thread', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sequitur-plans-')), 'state.db')
    const db = openDb(file)
    const store = new ModelStore(db)
    const rows = new RowTable(db)
    const writer = new ThreadedPlanWriter({ file, thread: import.meta.resolve('../testing/crashing-plan-writer.ts') })
    const click = (id: string, session: string, item: string): LogRecord['event'] => ({ id, type: 'click', item, session, ts: 10 * DAY_MS })
    const records: LogRecord[] = [click('1', 'a', 'A'), click('2', 'a', 'B'), click('3', 'b', 'A'), click('4', 'b', 'C')].map((event, i) => ({ seq: i + 1, site: 'demo', event }))
    const source = { read: (after: number, max: number) => records.filter((r) => r.seq > after).slice(0, max), onAppend: () => () => {}, trim: () => 0 }
    const errors: unknown[] = []
    const processor = new Processor({ source, store, rows, feed: new MemoryRowFeed(), clock: () => 10 * DAY_MS, windowDays: 60, topK: 20, writer, onError: (e) => errors.push(e) })
    processor.drain() // its plan goes to the thread, which dies
    await vi.waitFor(() => expect(errors.length).toBe(1))
    await vi.waitFor(() => expect(processor.position).toBe(0)) // reloaded from the last commit: none
    processor.drain()
    await processor.stop()
    expect(store.position('log')).toBe(4)
    expect(new RowTable(db).rows('demo', ['A'])).toEqual({ A: { total: 2, next: [['B', 1], ['C', 1]] } })
    await writer.close()
    db.close()
  })
})
