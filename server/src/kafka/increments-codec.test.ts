import { describe, expect, it } from 'vitest'
import type { Increments, Kind } from '../model'
import { decodeEvents, encodeEvents, type SiteEvent } from './event-records'
import { IncrementsWriter, readIncrements } from './increments-codec'

type Call = [string, ...unknown[]]

/** Every call a reader gets, with the identity of those that have one. */
function read(values: Buffer[], fresh: (from: number, offset: number, k: number) => boolean = () => true): Call[] {
  const calls: Call[] = []
  let identity: unknown[] = []
  const visit: Increments = {
    clock: (site, time) => calls.push(['clock', site, time]),
    site: (site, settings) => calls.push(['site', site, settings]),
    row: (site, src, time) => calls.push(['row', site, src, time, ...identity]),
    cell: (kind: Kind, dst, day, n) => calls.push(['cell', kind, dst, day, n]),
    take: (site, kind, item, list, time) => calls.push(['take', site, kind, item, list, time, ...identity]),
    profile: (site, user, day, item) => calls.push(['profile', site, user, day, item, ...identity]),
  }
  for (const value of values) readIncrements(value, visit, (from, offset, k) => ((identity = [from, offset, k]), fresh(from, offset, k)))
  return calls
}

/** Writes a batch of calls from events record 10 on, all to one partition. */
function write(cut?: number, repeat = 1): Buffer[] {
  const w = new IncrementsWriter('inc', 2, 1, () => 0, cut)
  for (let i = 0; i < repeat; i++) {
    w.at(10 + i)
    w.clock('demo', 100 + i)
    w.row('demo', '__proto__', 100 + i)
    w.cell('next', 'a\0b', 20_000, 1)
    w.cell('related', 'C', 20_000, 30)
    w.take('demo', 'impression', 'A', 'home', 101 + i)
    w.take('demo', 'click', 'B', undefined, 102 + i)
    w.profile('demo', 'u1', 20_000, 'A')
  }
  return w.drain().map((r) => r.value!)
}

const batch = (i: number): Call[] => [
  ['clock', 'demo', 100 + i],
  ['row', 'demo', '__proto__', 100 + i, 2, 10 + i, 0],
  ['cell', 'next', 'a\0b', 20_000, 1],
  ['cell', 'related', 'C', 20_000, 30],
  ['take', 'demo', 'impression', 'A', 'home', 101 + i, 2, 10 + i, 1],
  ['take', 'demo', 'click', 'B', undefined, 102 + i, 2, 10 + i, 2],
  ['profile', 'demo', 'u1', 20_000, 'A', 2, 10 + i, 3],
]

describe('the increments records', () => {
  it('carry every call of the session stage, with its identity, in order', () => {
    const values = write()
    expect(values).toHaveLength(1)
    expect(read(values)).toEqual(batch(0))
  })

  it('skip the records whose identity was applied before, but never a clock', () => {
    expect(read(write(), (_from, _offset, k) => k !== 0)).toEqual(batch(0).filter((c) => c[0] !== 'row' && c[0] !== 'cell'))
  })

  it('send each site\'s clock to every partition, once it moved, before the records that follow from it', () => {
    const w = new IncrementsWriter('inc', 0, 3, (_site, key) => (key === 'A' ? 1 : 0))
    w.at(1)
    w.clock('demo', 5)
    w.row('demo', 'A', 5)
    w.cell('next', 'B', 0, 1)
    const first = w.drain()
    expect(first.map((r) => r.partition).sort()).toEqual([0, 1, 2])
    for (const r of first) expect(read([r.value!])[0]).toEqual(['clock', 'demo', 5])
    w.at(2)
    w.row('demo', 'A', 5)
    expect(w.drain().map((r) => read([r.value!])[0]![0])).toEqual(['row']) // no clock again: it did not move
  })

  it("send a site's settings, and its removal, to every partition in order", () => {
    const w = new IncrementsWriter('inc', 0, 2, () => 0)
    w.at(1)
    w.row('shop', 'A', 5)
    w.site('shop', { windowDays: 30, topK: 5 })
    w.site('gone', null)
    const out = w.drain()
    expect(out.map((r) => r.partition).sort()).toEqual([0, 1])
    const p0 = read([out.find((r) => r.partition === 0)!.value!])
    expect(p0.map((c) => c[0])).toEqual(['row', 'site', 'site'])
    expect(p0.slice(1)).toEqual([['site', 'shop', { windowDays: 30, topK: 5 }], ['site', 'gone', null]])
    expect(read([out.find((r) => r.partition === 1)!.value!])).toEqual(p0.slice(1))
  })

  it('cut values between records, in order, before they could pass the size given (any ids)', () => {
    const all = Array.from({ length: 40 }, (_, i) => batch(i)).flat()
    const values = write(300, 40)
    expect(values.length).toBeGreaterThan(4)
    for (const value of values) expect(value.length).toBeLessThanOrEqual(300)
    expect(read(values)).toEqual(all)
  })

  it('carry many events of several sites in one events record, in order', () => {
    const events: SiteEvent[] = [
      ['demo', { id: 'e1', type: 'click', item: 'A', session: 's', ts: 1 }],
      ['shop', { id: 'e2', type: 'impression', items: ['A', 'B'], session: 't', ts: 2, list: 'home' }],
    ]
    expect(decodeEvents(encodeEvents(events))).toEqual(events)
  })
})
