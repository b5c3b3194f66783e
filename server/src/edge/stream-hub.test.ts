import type { ServerMessage } from '@sequitur/sdk/protocol'
import { describe, expect, it } from 'vitest'
import type { SiteRecord } from '../sites'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BoundedRowView, MemoryRowView, rowKey } from '../state'
import { StreamHub } from './stream-hub'

const record = (site: string, connections: number | null): SiteRecord => ({
  site,
  open: true,
  keys: [],
  secretHash: '',
  origins: [],
  quota: { eventsPerSecond: null, burst: 1, connections },
  settings: { windowDays: 60, topK: 20, retentionDays: 7 },
  createdAt: 0,
  updatedAt: 0,
})

/** A hub over two open sites: `small` allows two stream connections per edge, `big` any number. */
function hub() {
  const records = new Map([['small', record('small', 2)], ['big', record('big', null)]])
  const view = new MemoryRowView()
  view.put('small', 'A', 1, { total: 1, next: [['B', 1]] })
  return new StreamHub({ view, sites: { get: (site) => records.get(site), keyValid: () => true }, clock: () => 0 })
}

function client(h: StreamHub) {
  const got: ServerMessage[] = []
  const connection = h.connect((m) => got.push(m))
  return { got, connection, subscribe: (site: string) => connection.receive({ type: 'subscribe', site, items: ['A'] }) }
}

describe('StreamHub', () => {
  it("refuses a connection beyond the site's quota of stream connections, counts each connection once, and frees its place on close", () => {
    const h = hub()
    const [a, b, c] = [client(h), client(h), client(h)]
    a.subscribe('small')
    a.subscribe('small')
    b.subscribe('small')
    c.subscribe('small')
    expect(a.got.at(-1)).toMatchObject({ type: 'rows', site: 'small' })
    expect(b.got.at(-1)).toMatchObject({ type: 'rows', site: 'small' })
    expect(c.got.at(-1)).toMatchObject({ type: 'error', code: 'too_many_connections' })
    // Another site's quota is its own.
    c.subscribe('big')
    expect(c.got.at(-1)).toMatchObject({ type: 'rows', site: 'big' })
    a.connection.close()
    c.subscribe('small')
    expect(c.got.at(-1)).toMatchObject({ type: 'rows', site: 'small', rows: { A: { total: 1 } } })
  })

  it('keeps a row in the view\'s memory while any connection holds it, and lets it go with the last', () => {
    const view = new BoundedRowView({ file: join(mkdtempSync(join(tmpdir(), 'sequitur-hub-')), 'rows.db'), cacheRows: 0 })
    view.apply([{ key: rowKey('big', 'A'), version: 1, value: null, site: 'big', item: 'A', row: null }], 1)
    const records = new Map([['big', record('big', null)]])
    const h = new StreamHub({ view, sites: { get: (site) => records.get(site), keyValid: () => true }, clock: () => 0 })
    const a = h.connect(() => {})
    const b = h.connect(() => {})
    a.receive({ type: 'subscribe', site: 'big', items: ['A', 'B', 'B'] })
    b.receive({ type: 'subscribe', site: 'big', items: ['A'] })
    expect(view.inMemory().held).toBe(2)
    a.receive({ type: 'unsubscribe', site: 'big', items: ['B', 'B', 'C'] })
    a.close()
    expect(view.inMemory().held).toBe(1)
    b.receive({ type: 'unsubscribe', site: 'big', items: ['A'] })
    b.close()
    expect(view.inMemory().held).toBe(0)
    view.close()
  })
})
