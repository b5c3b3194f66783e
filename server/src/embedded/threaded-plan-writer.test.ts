import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { DAY_MS } from '../clock'
import { MemoryRowFeed } from '../feed'
import type { LogRecord } from '../log'
import { decodeEntry, encodeEntry, type StateEntry } from '../model'
import { KvStore, RowTable, openDb } from '../state'
import type { CommitPlan } from './commit-plan'
import { Processor } from './processor'
import { ThreadedPlanWriter } from './threaded-plan-writer'

const plan = (position: number, n: number, day = 10): CommitPlan => ({
  writes: [
    encodeEntry({ kind: 'cell', site: 'demo', stat: 'next', src: 'A', dst: 'B', day, n }),
    encodeEntry({ kind: 'session', site: 'demo', session: 's', point: { items: ['A', 'B'], ts: 5 } }),
    encodeEntry({ kind: 'position', next: position }),
  ],
  rows: [{ site: 'demo', item: 'A', version: position, total: n, next: '[["B",1]]', related: null, attrs: null }],
  rowsVersion: position,
})

/** The entries of a store. */
const entriesOf = (store: KvStore): StateEntry[] => [...store.entries()].map(({ key, value }) => decodeEntry(key, value))
const positionOf = (store: KvStore): number => entriesOf(store).find((e) => e.kind === 'position')?.next ?? 0

describe('ThreadedPlanWriter', () => {
  it('writes plans in order on its thread; after a failed plan it refuses the rest of that epoch and takes the next', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sequitur-plans-')), 'state.db')
    const db = openDb(file)
    const store = new KvStore(db)
    const rows = new RowTable(db)
    const writer = new ThreadedPlanWriter({ file })
    await Promise.all([writer.write(plan(1, 1), 0), writer.write(plan(2, 2, 11), 0)])
    expect(positionOf(store)).toBe(2)
    expect(rows.rows('demo', ['A'])).toEqual({ A: { total: 2, next: [['B', 1]] } })

    const failing = writer.write({ ...plan(3, 1), rows: [{ ...plan(3, 1).rows[0]!, next: null as unknown as string }] }, 0) // a row without next: the insert fails
    const refused = writer.write(plan(4, 1), 0)
    const next = writer.write(plan(3, 5, 12), 1)
    await expect(failing).rejects.toThrow()
    await expect(refused).rejects.toThrow(/refused/)
    await next
    expect(positionOf(store)).toBe(3)
    await writer.close()
    await expect(writer.write(plan(5, 1), 1)).rejects.toThrow(/closed/)
    let counted = 0
    for (const e of entriesOf(store)) if (e.kind === 'cell') counted += e.n
    expect(counted).toBe(1 + 2 + 5)
    db.close()
  })

  it('when the thread dies, a processor writing through it reloads, replays and commits everything once on a new thread', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sequitur-plans-')), 'state.db')
    const db = openDb(file)
    const store = new KvStore(db)
    const rows = new RowTable(db)
    let restarts = 0
    const writer = new ThreadedPlanWriter({ file, thread: import.meta.resolve('../testing/crashing-plan-writer.ts'), onRestart: () => restarts++ })
    const click = (id: string, session: string, item: string): LogRecord['event'] => ({ id, type: 'click', item, session, ts: 10 * DAY_MS })
    const records: LogRecord[] = [click('1', 'a', 'A'), click('2', 'a', 'B'), click('3', 'b', 'A'), click('4', 'b', 'C')].map((event, i) => ({ seq: i + 1, site: 'demo', event, receivedAt: 10 * DAY_MS }))
    const source = { read: (after: number, max: number) => records.filter((r) => r.seq > after).slice(0, max), onAppend: () => () => {}, trim: () => 0 }
    const errors: unknown[] = []
    const processor = new Processor({ source, store, rows, feed: new MemoryRowFeed(), clock: () => 10 * DAY_MS, writer, onError: (e) => errors.push(e) })
    processor.drain() // its plan goes to the thread, which dies
    // A thread takes over a second to start on a loaded machine: wait longer than vi.waitFor's default.
    await vi.waitFor(() => expect(errors.length).toBe(1), { timeout: 15_000 })
    expect(restarts).toBe(1)
    await vi.waitFor(() => expect(processor.position).toBe(0), { timeout: 15_000 }) // reloaded from the last commit: none
    processor.drain()
    await processor.stop()
    expect(positionOf(store)).toBe(4)
    expect(new RowTable(db).rows('demo', ['A'])).toEqual({ A: { total: 2, next: [['B', 1], ['C', 1]] } })
    await writer.close()
    db.close()
  })
})
