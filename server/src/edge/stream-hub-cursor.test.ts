import type { ModelRow, RowsMessage, ServerMessage } from '@sequitur/sdk/protocol'
import { describe, expect, it } from 'vitest'
import { encodeEntry } from '../model'
import type { SiteRecord } from '../sites'
import { MemoryRowView, type RowRecord } from '../state'
import { StreamHub } from './stream-hub'

const site: SiteRecord = {
  site: 's',
  open: true,
  keys: [],
  secretHash: '',
  origins: [],
  quota: { eventsPerSecond: null, burst: 1, connections: null },
  settings: { windowDays: 60, topK: 20, retentionDays: 7 },
  createdAt: 0,
  updatedAt: 0,
}
const row = (total: number): ModelRow => ({ total, next: [['Z', total]] })

/** A rows topic record of `item` at `offset` of its partition. */
function record(item: string, offset: number, total: number): RowRecord {
  const [key, value] = encodeEntry({ kind: 'row', site: 's', item, row: row(total) })
  return { key, value, version: offset + 1, site: 's', item, row: row(total) }
}

/** An edge whose view has applied `batches` (rows of a partition up to its next offset). */
function edge(partitions: number, batches: Array<[partition: number, rows: RowRecord[], next: number]>, epoch?: string) {
  const view = new MemoryRowView()
  view.partitions(partitions)
  for (const [partition, rows, next] of batches) view.apply(rows, next, partition)
  const hub = new StreamHub({ view, sites: { get: (s) => (s === 's' ? site : undefined), keyValid: () => true }, clock: () => 0, ...(epoch && { epoch }) })
  return { view, hub }
}

/** The answer to one subscribe message on a new connection. */
function answer(hub: StreamHub, subscribe: Record<string, unknown>): ServerMessage[] {
  const got: ServerMessage[] = []
  hub.connect((m) => got.push(m)).receive({ type: 'subscribe', site: 's', items: ['A', 'B', 'C', 'D'], ...subscribe })
  return got
}
const rowsOf = (got: ServerMessage[]) => Object.keys((got.at(-1) as RowsMessage).rows).sort()

describe('StreamHub with cursors', () => {
  // Partition 0: A at 0, B at 3 (next 5); partition 2: C at 1, D at 6 (next 8); partition 1 empty.
  const three = () =>
    edge(3, [
      [0, [record('A', 0, 1), record('B', 3, 2)], 5],
      [2, [record('C', 1, 3), record('D', 6, 4)], 8],
    ])

  it('says its cursor in hello and in each answer; answers the rows at or past each partition\'s entry', () => {
    const { hub } = three()
    const got = answer(hub, { cursor: '3.0.2' })
    expect(got[0]).toEqual({ type: 'hello', protocol: 2, version: 13, cursor: '5.0.8' })
    expect(got[1]).toMatchObject({ type: 'rows', version: 13, cursor: '5.0.8' })
    expect(rowsOf(got)).toEqual(['B', 'D'])
    // A shorter cursor: the partitions it lacks count from 0.
    expect(rowsOf(answer(hub, { cursor: '4' }))).toEqual(['C', 'D'])
    expect(rowsOf(answer(hub, { cursor: '5.0.8' }))).toEqual([])
    // A cursor ahead of this edge (it lags): nothing older than the client holds.
    expect(rowsOf(answer(hub, { cursor: '9.9.9' }))).toEqual([])
    // A cursor of more partitions than the topic has is of another topic: every row.
    expect(rowsOf(answer(hub, { cursor: '9.9.9.9' }))).toEqual(['A', 'B', 'C', 'D'])
    // The cursor wins over `since`.
    expect(rowsOf(answer(hub, { cursor: '5.0.6', since: 0 }))).toEqual(['D'])
  })

  it('answers a protocol 1 `since` with every row on several partitions, and as before on one', () => {
    expect(rowsOf(answer(three().hub, { since: 12 }))).toEqual(['A', 'B', 'C', 'D'])
    const one = edge(1, [[0, [record('A', 0, 1), record('B', 3, 2), record('C', 4, 3)], 6]])
    const got = answer(one.hub, { since: 4 })
    expect(got[0]).toEqual({ type: 'hello', protocol: 2, version: 5, cursor: '6' })
    expect(got[1]).toMatchObject({ version: 5, cursor: '6' })
    expect(rowsOf(got)).toEqual(['C'])
    expect(rowsOf(answer(one.hub, { since: 0 }))).toEqual(['A', 'B', 'C'])
    // Ahead of the edge (its copy was reset): every row, as before.
    expect(rowsOf(answer(one.hub, { since: 6 }))).toEqual(['A', 'B', 'C'])
    // On one partition a cursor and a `since` of the same number answer alike.
    expect(rowsOf(answer(one.hub, { cursor: '4' }))).toEqual(['C'])
  })

  it('pushes a change with its partition and the cursor after it', () => {
    const { hub } = three()
    const got: ServerMessage[] = []
    hub.connect((m) => got.push(m)).receive({ type: 'subscribe', site: 's', items: ['A'] })
    hub.publish({ site: 's', version: 14, rows: { A: row(9) }, partition: 0, cursor: [6, 0, 8] })
    expect(got.at(-1)).toEqual({ type: 'rows', site: 's', version: 14, rows: { A: row(9) }, partition: 0, cursor: '6.0.8' })
    // The embedded mode's change: one log, its version is the cursor, and no partition (nothing lags).
    hub.publish({ site: 's', version: 20, rows: { A: row(10) } })
    expect(got.at(-1)).toEqual({ type: 'rows', site: 's', version: 20, rows: { A: row(10) }, cursor: '20' })
  })

  it('names its rows log (epoch) with every cursor, and answers a cursor of another log with every row', () => {
    const batches: Array<[number, RowRecord[], number]> = [
      [0, [record('A', 0, 1), record('B', 3, 2)], 5],
      [2, [record('C', 1, 3), record('D', 6, 4)], 8],
    ]
    const { hub } = edge(3, batches, 'k7')
    const got = answer(hub, { cursor: '3.0.2', epoch: 'k7' })
    expect(got[0]).toEqual({ type: 'hello', protocol: 2, version: 13, cursor: '5.0.8', epoch: 'k7' })
    expect(got[1]).toMatchObject({ type: 'rows', cursor: '5.0.8', epoch: 'k7' })
    expect(rowsOf(got)).toEqual(['B', 'D'])
    // The same offsets from another topic (a new prefix, another cluster) say nothing here.
    expect(rowsOf(answer(hub, { cursor: '3.0.2', epoch: 'other' }))).toEqual(['A', 'B', 'C', 'D'])
    expect(rowsOf(answer(hub, { cursor: '9.9.9', epoch: 'other' }))).toEqual(['A', 'B', 'C', 'D'])
    // A cursor without an epoch (an SDK of the first protocol 2 release) is resumed as before.
    expect(rowsOf(answer(hub, { cursor: '3.0.2' }))).toEqual(['B', 'D'])
    const pushed: ServerMessage[] = []
    hub.connect((m) => pushed.push(m)).receive({ type: 'subscribe', site: 's', items: ['A'] })
    hub.publish({ site: 's', version: 14, rows: { A: row(9) }, partition: 0, cursor: [6, 0, 8] })
    expect(pushed.at(-1)).toEqual({ type: 'rows', site: 's', version: 14, rows: { A: row(9) }, partition: 0, cursor: '6.0.8', epoch: 'k7' })
  })

  it('refuses a hostile epoch with an error, changing nothing', () => {
    const { hub } = edge(1, [[0, [record('A', 0, 1)], 1]], 'k7')
    for (const epoch of ['', 'a:b', 'a b', 'é', 'x'.repeat(65), 7, null]) {
      const got: ServerMessage[] = []
      hub.connect((m) => got.push(m)).receive({ type: 'subscribe', site: 's', items: ['A'], cursor: '0', epoch })
      expect(got.at(-1), JSON.stringify(epoch)).toMatchObject({ type: 'error', code: 'invalid_message' })
    }
    expect(hub.subscriptions).toBe(0)
  })

  it('refuses a hostile cursor with an error, changing nothing, and keeps the connection', () => {
    const { hub } = three()
    for (const cursor of ['', '.', '1..2', '1.', '-1', '1e3', ' 1', '0x1', '१', '1.2\n', '9007199254740992', Array(1025).fill('0').join('.'), '1'.repeat(17), 7, null, ['1']]) {
      const got: ServerMessage[] = []
      const connection = hub.connect((m) => got.push(m))
      connection.receive({ type: 'subscribe', site: 's', items: ['A'], cursor })
      expect(got.at(-1), JSON.stringify(cursor).slice(0, 40)).toMatchObject({ type: 'error', code: 'invalid_message' })
      connection.receive({ type: 'subscribe', site: 's', items: ['A'], cursor: '0' })
      expect(got.at(-1)).toMatchObject({ type: 'rows', rows: { A: row(1) } })
    }
    expect(hub.subscriptions).toBe(1)
  })
})
