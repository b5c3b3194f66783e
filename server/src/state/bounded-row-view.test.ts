import type { ModelRow } from '@sequitur/sdk/protocol'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { encodeEntry } from '../model'
import { BoundedRowView } from './bounded-row-view'
import type { RowRecord } from './materialized-rows'

const file = () => join(mkdtempSync(join(tmpdir(), 'sequitur-edge-rows-')), 'rows.db')

/** A record of the rows topic at `offset` (version `offset + 1`), as the processor writes it. */
function record(site: string, item: string, offset: number, row: ModelRow | null): RowRecord {
  const [key, value] = encodeEntry({ kind: 'row', site, item, row })
  return { key, value, version: offset + 1, site, item, row }
}
const row = (total: number): ModelRow => ({ total, next: [['B', total]], related: { total: 9, items: [['C', 9]] } })

describe('BoundedRowView', () => {
  it('serves a row that is not in memory from its file, and answers as the in-memory view does', () => {
    const view = new BoundedRowView({ file: file(), cacheRows: 0 })
    view.apply([record('s', 'A', 0, row(1)), record('s', '__proto__', 1, row(2)), record('t', 'A', 2, row(3))], 3)
    view.apply([record('s', 'E', 3, row(4)), record('s', 'E', 4, null)], 6)
    expect(view.inMemory()).toEqual({ held: 0, cached: 0 })
    expect(view.version()).toBe(5)
    const rows = view.rows('s', ['A', '__proto__', 'E', 'X'])
    expect(Object.getPrototypeOf(rows)).toBe(null)
    expect({ ...rows }).toEqual({ A: { total: 1, next: [['B', 1]] }, ['__proto__']: { total: 2, next: [['B', 2]] } })
    expect(view.rows('s', ['A'], true).A).toEqual(row(1))
    // Every live row without `since`; with it, what changed after it, an emptied row as null.
    expect(Object.keys(view.changedSince('s', ['A', 'E', 'X']))).toEqual(['A'])
    expect({ ...view.changedSince('s', ['A', '__proto__', 'E', 'X'], 1) }).toEqual({ ['__proto__']: row(2), E: null })
    expect({ ...view.changedSince('t', ['A'], 0) }).toEqual({ A: row(3) })
    view.close()
  })

  it('never evicts a row a subscriber holds, keeps it current, and caches it once released', () => {
    const view = new BoundedRowView({ file: file(), cacheRows: 2 })
    view.apply(Array.from({ length: 10 }, (_, i) => record('s', `I${i}`, i, row(i + 1))), 10)
    view.hold('s', ['I0', 'NEW'])
    for (let i = 1; i < 10; i++) view.rows('s', [`I${i}`])
    expect(view.inMemory()).toEqual({ held: 2, cached: 2 })
    // A held row changes in memory and in the file; one the topic did not have yet appears.
    view.apply([record('s', 'I0', 10, row(50)), record('s', 'NEW', 11, row(60)), record('s', 'I1', 12, row(70))], 13)
    expect({ ...view.changedSince('s', ['I0', 'NEW', 'I1'], 10) }).toEqual({ I0: row(50), NEW: row(60), I1: row(70) })
    view.release('s', ['I0', 'NEW'])
    expect(view.inMemory()).toEqual({ held: 0, cached: 2 })
    expect(view.rows('s', ['I0']).I0).toEqual({ total: 50, next: [['B', 50]] })
    view.close()
  })

  it('after a restart, resumes from the offset and version its file reached; one edge per file', () => {
    const path = file()
    const view = new BoundedRowView({ file: path })
    view.apply([record('s', 'A', 7, row(1))], 9)
    expect(() => new BoundedRowView({ file: path })).toThrow(/in use by another edge/)
    view.close()
    const again = new BoundedRowView({ file: path })
    expect([again.positions(), again.version()]).toEqual([[9], 8])
    expect(again.rows('s', ['A']).A).toEqual({ total: 1, next: [['B', 1]] })
    again.hold('s', ['A'])
    again.wipe()
    expect([again.positions(), again.version(), again.changedSince('s', ['A'])]).toEqual([[0], 0, {}])
    again.close()
  })

  it('keeps each partition\'s offset and each row\'s partition; answers a cursor per partition; survives a restart', () => {
    const path = file()
    const view = new BoundedRowView({ file: path, cacheRows: 1 })
    view.partitions(3)
    view.apply([record('s', 'A', 0, row(1)), record('s', 'B', 1, row(2))], 2, 0)
    view.apply([record('s', 'C', 0, row(3)), record('s', 'D', 4, row(4))], 5, 2)
    view.hold('s', ['A'])
    expect([view.cursor(), view.version()]).toEqual([[2, 0, 5], 7])
    // At or past each entry: offset 1 of partition 0 (B), offset 4 of partition 2 (D); a missing entry counts from 0.
    expect({ ...view.changedSince('s', ['A', 'B', 'C', 'D'], [1, 0, 4]) }).toEqual({ B: row(2), D: row(4) })
    expect(Object.keys(view.changedSince('s', ['A', 'B', 'C', 'D'], [2]))).toEqual(['C', 'D'])
    // A protocol 1 version is a one-entry cursor (the hub sends it only where the topic has one partition).
    expect(Object.keys(view.changedSince('s', ['A', 'B', 'C', 'D'], 1))).toEqual(['B', 'C', 'D'])
    view.close()
    const again = new BoundedRowView({ file: path, cacheRows: 0 })
    expect(again.positions()).toEqual([2, 0, 5])
    expect(Object.keys(again.changedSince('s', ['A', 'B', 'C', 'D'], [2, 0, 1]))).toEqual(['D'])
    again.close()
  })

  it('reads a file of an edge from before partitioned rows as partition 0', () => {
    const path = file()
    const old = new Database(path)
    old.exec(`CREATE TABLE rows (key TEXT PRIMARY KEY, version INTEGER NOT NULL, value BLOB);
      CREATE TABLE position (id INTEGER PRIMARY KEY CHECK (id = 1), next INTEGER NOT NULL, version INTEGER NOT NULL);
      INSERT INTO position VALUES (1, 9, 8);`)
    const r = record('s', 'A', 7, row(1))
    old.prepare('INSERT INTO rows VALUES (?, ?, ?)').run(r.key, r.version, r.value)
    old.close()
    const view = new BoundedRowView({ file: path })
    expect([view.positions(), view.version()]).toEqual([[9], 8])
    expect(Object.keys(view.changedSince('s', ['A'], [7]))).toEqual(['A'])
    expect(Object.keys(view.changedSince('s', ['A'], [8]))).toEqual([])
    view.close()
  })
})
