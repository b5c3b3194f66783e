import { compareNext, type Event, type ModelRow } from '@sequitur/sdk/protocol'
import { describe, expect, it } from 'vitest'
import { DAY_MS } from '../clock'
import { mulberry32 } from '../random'
import { Model } from './model'
import { DEFAULT_MODEL_OPTIONS as O } from './rules'
import { decodeEntry, encodeEntry } from './state-codec'
import { rankTrending, type Cell } from './take-rates'

/*
 * The model's rules written a second time, as plainly as they read in the README, with none of the
 * core's machinery (no interning, no typed arrays, no incremental state): seeded random streams must
 * give the same rows and trending through the core (with a restore from its state entries midway)
 * as through this.
 */

interface Received {
  site: string
  event: Event
  receivedAt: number
}

const MIN = 60_000

function reference(stream: readonly Received[]) {
  const seen = new Map<string, number>()
  let received = -Infinity
  const sites = new Map<string, { time: number; sessions: Map<string, { items: string[]; ts: number }>; links: Array<[kind: string, src: string, dst: string, day: number, n: number]>; takes: Array<[kind: string, item: string, list: string | undefined, time: number]> }>()
  for (const { site, event, receivedAt } of stream) {
    received = Math.max(received, receivedAt)
    const key = JSON.stringify([site, event.id])
    const firstDay = seen.get(key)
    if (firstDay !== undefined && firstDay >= Math.floor(received / DAY_MS) - O.dedupeDays) continue
    seen.set(key, Math.floor(receivedAt / DAY_MS))
    if (!sites.has(site)) sites.set(site, { time: -Infinity, sessions: new Map(), links: [], takes: [] })
    const s = sites.get(site)!
    const time = Math.min(event.ts, receivedAt + 5 * MIN)
    if (time > s.time) {
      const day = Math.floor(time / DAY_MS)
      if (day > Math.floor(s.time / DAY_MS)) for (const [id, p] of s.sessions) if (p.ts < (day - 1) * DAY_MS) s.sessions.delete(id)
      s.time = time
    }
    const epochEnd = (Math.floor(time / O.epochMs) + 1) * O.epochMs
    const late = (event.type === 'impression' || event.type === 'click') && s.time >= epochEnd + O.latenessMs
    if (event.type === 'impression') {
      if (!late) for (const item of event.items) s.takes.push(['impression', item, event.list, time])
      continue
    }
    if (event.type === 'click' && !late) s.takes.push(['click', event.item, event.list, time])
    const p = s.sessions.get(event.session) ?? { items: [], ts: time }
    const previous = p.items
    s.sessions.set(event.session, { items: [...previous, event.item].slice(-3), ts: Math.max(p.ts, time) })
    const day = Math.floor(time / DAY_MS)
    if (day < Math.floor(s.time / DAY_MS) - O.windowDays + 1) continue
    previous.forEach((before, i) => {
      const d = previous.length - i
      if (d === 1) s.links.push(['next', before, event.item, day, 1])
      s.links.push(['related', before, event.item, day, [30, 15, 10][d - 1]!])
      s.links.push(['related', event.item, before, day, [6, 3, 2][d - 1]!])
    })
  }
  const rows = (site: string, item: string): ModelRow | null => {
    const s = sites.get(site)
    if (!s) return null
    const start = Math.floor(s.time / DAY_MS) - O.windowDays + 1
    const sum = (kind: string) => {
      const out = new Map<string, number>()
      for (const [k, src, dst, day, n] of s.links) if (k === kind && src === item && day >= start) out.set(dst, (out.get(dst) ?? 0) + n)
      return [...out].sort(compareNext)
    }
    const next = sum('next')
    const related = sum('related')
    const total = next.reduce((a, [, n]) => a + n, 0)
    if (total === 0 && related.length === 0) return null
    const row: ModelRow = { total, next: next.slice(0, O.topK) }
    if (related.length > 0) row.related = { total: related.reduce((a, [, n]) => a + n, 0), items: related.slice(0, O.relatedK) }
    return row
  }
  const trending = (site: string) => {
    const s = sites.get(site)
    if (!s) return []
    const cells = new Map<number, Map<string, Cell>>()
    const shown = new Set<string>()
    for (const [kind, item, list, time] of s.takes) {
      const epoch = Math.floor(time / O.epochMs)
      if (!cells.has(epoch)) cells.set(epoch, new Map())
      const cell = cells.get(epoch)!.get(item) ?? { impressions: 0, clicks: 0 }
      cells.get(epoch)!.set(item, cell)
      if (kind === 'impression') {
        cell.impressions++
        if (list !== undefined) shown.add(JSON.stringify([epoch, list, item]))
      } else if (list !== undefined && (shown.has(JSON.stringify([epoch, list, item])) || shown.has(JSON.stringify([epoch - 1, list, item])))) cell.clicks++
    }
    for (const byItem of cells.values()) for (const [item, c] of byItem) if (c.impressions === 0 && c.clicks === 0) byItem.delete(item)
    return rankTrending(cells, Math.floor(s.time / O.epochMs), O, 50)
  }
  const recent = (site: string) => {
    const s = sites.get(site)
    const out = new Map<string, number>()
    const now = Math.floor((s?.time ?? 0) / MIN)
    for (const [kind, item, , time] of s?.takes ?? []) {
      const minute = Math.floor(time / MIN)
      if (kind === 'click' && minute > now - 10 && minute <= now) out.set(item, (out.get(item) ?? 0) + 1)
    }
    return out
  }
  return { rows, trending, recent }
}

const ITEMS = ['A', 'B', 'C', 'D', '__proto__', 'constructor', 'total', 'a\0b', '3:x']

/** A stream of mixed events: gaps of minutes to days, stamps behind, far behind and ahead, re-sent ids. */
function stream(seed: number, length: number): Received[] {
  const r = mulberry32(seed)
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!
  let now = 20_000 * DAY_MS + Math.floor(r() * DAY_MS)
  const out: Received[] = []
  for (let i = 0; i < length; i++) {
    const gap = r()
    now += gap < 0.8 ? r() * 3 * MIN : gap < 0.95 ? r() * 3 * 3_600_000 : r() * 2 * DAY_MS
    const site = r() < 0.8 ? 'shop' : 'other'
    if (out.length > 0 && r() < 0.08) {
      out.push({ ...pick(out), receivedAt: now }) // re-sent, maybe days later
      continue
    }
    const skew = r()
    const ts = skew < 0.8 ? now - r() * MIN : skew < 0.9 ? now - r() * 3 * 3_600_000 : skew < 0.95 ? now - 70 * DAY_MS : now + r() * 23 * 3_600_000
    const session = `s${Math.floor(r() * 6)}`
    const list = r() < 0.7 ? pick(['home', 'search', '__proto__']) : undefined
    const id = `e${seed}-${i}`
    const kind = r()
    const event: Event =
      kind < 0.3
        ? { id, type: 'impression', items: [pick(ITEMS), pick(ITEMS)], session, ts, ...(list ? { list } : {}) }
        : { id, type: kind < 0.8 ? 'click' : 'view', item: pick(ITEMS), session, ts, ...(list ? { list } : {}) }
    out.push({ site, event, receivedAt: now })
  }
  return out
}

describe('the model core against a plain reference', () => {
  it('gives the same rows and trending for seeded random streams, restored from its state entries midway', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const events = stream(seed, 300)
      const cut = Math.floor(events.length / 2)
      const first = new Model({}, { dedupe: true })
      for (const { site, event, receivedAt } of events.slice(0, cut)) first.observe(site, event, receivedAt)
      const stored = new Map<string, Buffer>()
      first.drainState((entry) => {
        const [key, value] = encodeEntry(entry)
        if (value) stored.set(key, value)
        else stored.delete(key)
      })
      const model = new Model({}, { dedupe: true })
      for (const [key, value] of stored) model.restore(decodeEntry(key, value))
      model.restored()
      for (const { site, event, receivedAt } of events.slice(cut)) model.observe(site, event, receivedAt)
      const ref = reference(events)
      for (const site of ['shop', 'other']) {
        for (const item of ITEMS) expect(model.counts.rowOf(site, item), `seed ${seed}, ${site}, row ${JSON.stringify(item)}`).toEqual(ref.rows(site, item))
        expect(model.counts.trending(site, 50), `seed ${seed}, ${site}, trending`).toEqual(ref.trending(site))
        expect(new Map(Object.entries(model.counts.recent(site))), `seed ${seed}, ${site}, recent`).toEqual(ref.recent(site))
      }
    }
  })
})
