import type { Event } from '@sequitur/sdk/protocol'
import { describe, expect, it } from 'vitest'
import { DAY_MS } from '../clock'
import { Model } from './model'
import { MAX_AHEAD_MS } from './rules'
import { decodeEntry, encodeEntry, type StateEntry } from './state-codec'

const T = 20_000 * DAY_MS + 12 * 3_600_000 // noon
const MIN = 60_000
let n = 0
const click = (session: string, item: string, ts = T, extra: Partial<Event> = {}): Event => ({ id: `e${++n}`, type: 'click', item, session, ts, ...extra }) as Event
const shown = (session: string, ts: number, list: string, ...items: string[]): Event => ({ id: `i${++n}`, type: 'impression', items, list, session, ts })
const catalog = (_site: string, id: string) => ({ id, category: id.startsWith('L') ? 'lamps' : 'mugs', price: 10 })

/** Applies events, each received when it is stamped (or at `receivedAt`). */
function run(model: Model, events: Event[], receivedAt?: number): void {
  for (const e of events) model.observe('s', e, receivedAt ?? e.ts)
}

describe('Model', () => {
  it('counts consecutive items of a session, repeats included, and items up to three steps away by distance', () => {
    const m = new Model({ windowDays: 3 })
    run(m, ['A', 'B', 'B'].map((i) => click('s1', i)))
    run(m, ['A', 'B'].map((i) => click('s2', i)))
    expect(m.counts.rowOf('s', 'A')).toMatchObject({ total: 2, next: [['B', 2]] })
    expect(m.counts.rowOf('s', 'B')).toMatchObject({ total: 1, next: [['B', 1]] })
    const w = new Model()
    run(w, ['A', 'B', 'C', 'D', 'E'].map((i) => click('s', i)))
    // A: B one step later (30), C two (15), D three (10); E is four steps away and not counted.
    expect(w.counts.rowOf('s', 'A')!.related).toEqual({ total: 55, items: [['B', 30], ['C', 15], ['D', 10]] })
    expect(w.counts.rowOf('s', 'E')).toEqual({ total: 0, next: [], related: { total: 11, items: [['D', 6], ['C', 3], ['B', 2]] } })
  })

  it('drops days that leave the window, reporting the rows that changed, and never counts a day already out', () => {
    const m = new Model({ windowDays: 3 })
    run(m, [click('s', 'A'), click('s', 'B')])
    run(m, [click('s', 'A', T + DAY_MS)])
    m.counts.drainRows()
    run(m, [click('x', 'Z', T + 3 * DAY_MS)])
    expect([...m.counts.drainRows().get('s')!.keys()].sort()).toEqual(['A', 'B'])
    // Day 1 keeps what the second A linked: B → A, and A two steps after A.
    expect(m.counts.rowOf('s', 'A')).toEqual({ total: 0, next: [], related: { total: 24, items: [['A', 18], ['B', 6]] } })
    expect(m.counts.rowOf('s', 'B')).toMatchObject({ total: 1, next: [['A', 1]] })
    // Ten days old: outside the window. The session still moves (P → Q is not counted either).
    run(m, [click('old', 'P', T - 10 * DAY_MS), click('old', 'Q', T - 10 * DAY_MS)])
    expect(m.counts.rowOf('s', 'P')).toBeNull()
  })

  it('ends a session idle for a whole day of the site time; impressions do not keep it alive', () => {
    const m = new Model()
    run(m, [click('s', 'A'), shown('s', T + DAY_MS, 'L', 'X'), shown('other', T + 2 * DAY_MS, 'L', 'X'), click('s', 'B', T + 2 * DAY_MS)])
    expect(m.counts.rowOf('s', 'A')).toBeNull()
    // Within a day it goes on.
    run(m, [click('t', 'C', T + 2 * DAY_MS), click('t', 'D', T + 3 * DAY_MS - 1)])
    expect(m.counts.rowOf('s', 'C')).toMatchObject({ next: [['D', 1]] })
  })

  it('bounds an event stamped ahead by its receipt: one client a day ahead does not age out everyone else', () => {
    const m = new Model()
    m.observe('s', shown('a', T, 'L', 'X'), T)
    m.observe('s', click('b', 'X', T + 23 * 3_600_000, { list: 'L' }), T)
    expect(m.sessions.time('s')).toBe(T + MAX_AHEAD_MS)
    // Events stamped now still count for trending, and sessions carry on.
    m.observe('s', click('a', 'X', T + MIN, { list: 'L' }), T + MIN)
    expect(m.counts.trending('s', 5)).toEqual([{ item: 'X', impressions: 1, clicks: 2, rate: expect.any(Number) }])
  })

  it('drops an impression or click from trending once the site time passed its epoch end by the lateness', () => {
    const m = new Model()
    const epoch = Math.floor(T / (30 * MIN)) * 30 * MIN
    run(m, [shown('a', epoch + MIN, 'L', 'X'), click('z', 'Y', epoch + 34 * MIN)])
    expect(m.observe('s', click('a', 'X', epoch + 2 * MIN, { list: 'L' }), epoch + 34 * MIN)).toBe('applied')
    run(m, [click('z', 'Y', epoch + 36 * MIN)])
    expect(m.observe('s', click('a', 'X', epoch + 3 * MIN, { list: 'L' }), epoch + 36 * MIN)).toBe('late')
    // Late for trending only: the row counts it (X, then X again).
    expect(m.counts.rowOf('s', 'X')).toMatchObject({ total: 1, next: [['X', 1]] })
  })

  it('with dedupe: counts a repeated id once, after its session ended too, for as long as ids are remembered', () => {
    const m = new Model({ dedupeDays: 7 }, { dedupe: true })
    const a = click('s', 'A')
    const b = click('s', 'B')
    run(m, [a, b])
    run(m, [click('later', 'X', T + 3 * DAY_MS)]) // the session of a and b is over
    expect(m.observe('s', b, T + 3 * DAY_MS)).toBe('repeated')
    expect(m.observe('s', { ...b, id: 'other' }, T + 3 * DAY_MS)).not.toBe('repeated')
    expect(m.counts.rowOf('s', 'A')).toMatchObject({ total: 1, next: [['B', 1]] })
    // Received eight days later, the id is new again.
    expect(m.observe('s', a, T + 8 * DAY_MS)).not.toBe('repeated')
    // Another site's id is its own.
    expect(m.observe('t', b, T + 3 * DAY_MS)).toBe('applied')
  })

  it('puts its state out as entries and back: a restored model goes on exactly as the one that never stopped', () => {
    const events: Event[] = []
    for (let s = 0; s < 30; s++) {
      const items = ['__proto__', 'constructor', 'L:1', '3;x', 'a\0b', 'total', 'next'].filter((_, i) => (i * 7 + s) % 3 !== 0)
      items.forEach((item, i) => events.push(click(`s${s % 7}`, item, T + s * 20 * MIN + i, { user: s % 2 ? '__proto__' : 'u' })))
      events.push(shown(`s${s}`, T + s * 20 * MIN, `list:${s % 3}`, ...items))
    }
    const whole = new Model({}, { catalog, dedupe: true })
    const first = new Model({}, { catalog, dedupe: true })
    const cut = 100
    run(whole, events)
    run(first, events.slice(0, cut))
    const stored = new Map<string, Buffer>()
    first.drainState((entry) => {
      const [key, value] = encodeEntry(entry)
      if (value) stored.set(key, value)
      else stored.delete(key)
    })
    const second = new Model({}, { catalog, dedupe: true })
    for (const [key, value] of stored) second.restore(decodeEntry(key, value))
    second.restored()
    run(second, [...events.slice(cut), events[3]!, events[cut + 2]!])
    for (const item of ['__proto__', 'constructor', 'L:1', '3;x', 'a\0b', 'total', 'next']) expect(second.counts.rowOf('s', item)).toEqual(whole.counts.rowOf('s', item))
    expect(second.counts.trending('s', 10)).toEqual(whole.counts.trending('s', 10))
    expect(second.counts.daily('s', '__proto__')).toEqual(whole.counts.daily('s', '__proto__'))
  })
})

describe('Model, per site', () => {
  /** Drains a model's state into a store, as a runtime commits it. */
  const commit = (m: Model, stored: Map<string, Buffer>) =>
    m.drainState((entry) => {
      const [key, value] = encodeEntry(entry)
      if (value) stored.set(key, value)
      else stored.delete(key)
    })

  it("takes a site's own window and top k: a shorter window drops the days outside it, another site keeps the deployment's", () => {
    const m = new Model({ windowDays: 10 })
    for (const site of ['s', 't']) {
      for (const [i, item] of ['B', 'C', 'D'].entries()) m.observe(site, click(`old${i}`, 'A', T - 5 * DAY_MS), T - 5 * DAY_MS), m.observe(site, click(`old${i}`, item, T - 5 * DAY_MS), T - 5 * DAY_MS)
      m.observe(site, click('now', 'A'), T)
      m.observe(site, click('now', 'B'), T)
    }
    m.counts.drainRows()
    m.configure('s', { windowDays: 2, topK: 1 })
    expect([...m.counts.drainRows().get('s')!.keys()].sort()).toEqual(['A', 'B', 'C', 'D'])
    expect(m.counts.rowOf('s', 'A')).toMatchObject({ total: 1, next: [['B', 1]] })
    expect(m.counts.rowOf('t', 'A')).toMatchObject({ total: 4, next: [['B', 2], ['C', 1], ['D', 1]] })
    // A new day five days ahead ages out what a 2-day window no longer holds, on `s` only.
    m.observe('s', click('later', 'X', T + 2 * DAY_MS), T + 2 * DAY_MS)
    m.observe('t', click('later', 'X', T + 2 * DAY_MS), T + 2 * DAY_MS)
    expect(m.counts.rowOf('s', 'A')).toBeNull()
    expect(m.counts.rowOf('t', 'A')).toMatchObject({ total: 4 })
    // Top k: at most one next item per row.
    m.configure('t', { windowDays: 10, topK: 1 })
    expect(m.counts.rowOf('t', 'A')!.next).toEqual([['B', 2]])
  })

  it('keeps the settings in its state: a restored model goes on with them', () => {
    const m = new Model({ windowDays: 10 })
    m.configure('s', { windowDays: 2, topK: 1 })
    m.observe('s', click('a', 'A', T - 5 * DAY_MS), T - 5 * DAY_MS)
    m.observe('s', click('a', 'B', T - 5 * DAY_MS), T - 5 * DAY_MS)
    const stored = new Map<string, Buffer>()
    commit(m, stored)
    const second = new Model({ windowDays: 10 })
    for (const [key, value] of stored) second.restore(decodeEntry(key, value))
    second.restored()
    second.observe('s', click('b', 'Z', T), T)
    expect(second.counts.rowOf('s', 'A')).toBeNull()
  })

  it('forgets a removed site: its rows empty, its state is deleted, its later events count nothing, other sites stay', () => {
    const m = new Model({}, { catalog })
    const stored = new Map<string, Buffer>()
    for (const site of ['gone', 'kept']) {
      m.observe(site, shown('a', T, 'L', 'A', 'B'), T)
      for (const item of ['A', 'B']) m.observe(site, click('a', item, T, { list: 'L', user: 'u' }), T)
    }
    commit(m, stored)
    m.counts.drainRows()
    m.configure('gone', null)
    expect([...m.counts.drainRows().get('gone')!.keys()].sort()).toEqual(['A', 'B'])
    expect(m.counts.rowOf('gone', 'A')).toBeNull()
    expect(m.counts.trending('gone', 10)).toEqual([])
    expect(m.counts.daily('gone', 'u')).toEqual([])
    const trending: StateEntry[] = []
    m.counts.drainTrending((entry) => trending.push(entry))
    expect(trending).toContainEqual({ kind: 'clock', site: 'gone', time: null })
    commit(m, stored)
    const sites = [...stored.keys()].map((key) => decodeEntry(key, stored.get(key)!)).map((e) => ('site' in e ? e.site : ''))
    expect(sites).not.toContain('gone')
    expect(sites).toContain('kept')
    expect(m.observe('gone', click('b', 'A'), T)).toBe('ignored')
    expect(m.counts.rowOf('kept', 'A')).toMatchObject({ total: 1 })
    // Created again, it starts afresh.
    m.configure('gone', { windowDays: 60, topK: 20 })
    m.observe('gone', click('c', 'X'), T)
    m.observe('gone', click('c', 'Y'), T)
    expect(m.counts.rowOf('gone', 'X')).toMatchObject({ total: 1, next: [['Y', 1]] })
  })
})

describe('the state codec', () => {
  it('gives every entry back as it was, whatever the ids', () => {
    const entries: StateEntry[] = [
      { kind: 'clock', site: 'a:b', time: 5 },
      { kind: 'clock', site: 'x', time: null },
      { kind: 'settings', site: '__proto__', settings: { windowDays: 30, topK: 5 } },
      { kind: 'settings', site: 'y', settings: null },
      { kind: 'session', site: '1:x', session: '__proto__', point: { items: ['a\0b', ''], ts: 3 } },
      { kind: 'session', site: 's', session: '2:ab', point: null },
      { kind: 'seen', day: 20_000, part: 3, hashes: Uint32Array.from([1, 2, 3, 4]) },
      { kind: 'cell', site: 's', stat: 'related', src: '3;4', dst: 'x:y:z', day: 20_000, n: 30 },
      { kind: 'cell', site: 's', stat: 'next', src: 'a', dst: 'b', day: 1, n: 0 },
      { kind: 'profile', site: 's', user: 'constructor', day: 2, profile: { counts: { category: { lamps: 2 } }, numbers: {} } },
      { kind: 'epoch', site: 's', epoch: 9, state: { cells: [['__proto__', { impressions: 1, clicks: 0 }]], shown: [['l', ['__proto__']]], minutes: [] } },
      { kind: 'applied', from: 1, offset: 7, k: 2 },
      { kind: 'hold', site: '1:;', offset: 7, k: 3, day: 20_000 },
      { kind: 'hold', site: 's', offset: 8, k: 0, day: null },
      { kind: 'position', next: 42 },
      { kind: 'row', site: 's', item: 'toJSON', row: { total: 1, next: [['__proto__', 1]], attrs: { ['__proto__']: { category: 'constructor' } } } },
      { kind: 'row', site: 's', item: '__proto__', row: null },
      { kind: 'take', site: 's', item: 'a\0b', epoch: 7, cell: { impressions: 3, clicks: 1 } },
      { kind: 'clicks', site: 's', item: '1:', minute: 99, clicks: 4 },
    ]
    const keys = new Set<string>()
    for (const entry of entries) {
      const [key, value] = encodeEntry(entry)
      keys.add(key)
      expect(decodeEntry(key, value)).toEqual(entry)
    }
    expect(keys.size).toBe(entries.length)
    expect(() => decodeEntry('__offset__', null)).toThrow(/unknown state key/)
  })
})
