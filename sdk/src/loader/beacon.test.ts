import { afterEach, describe, expect, it, vi } from 'vitest'
import type { DraftEvent } from '../shared'
import { sendBeacon } from './beacon'

/** A `navigator.sendBeacon` that queues bodies until `budget` bytes are in flight, as browsers do (64 KiB). */
function fakeBeacons(budget = 65_536) {
  const bodies: Array<{ url: string; body: unknown }> = []
  let inFlight = 0
  vi.stubGlobal('navigator', {
    sendBeacon(url: string, body: unknown) {
      const size = new Blob([body as string]).size
      if (inFlight + size > budget) return false
      inFlight += size
      bodies.push({ url, body })
      return true
    },
  })
  return bodies
}

const event = (n: number, item = `item-${n}`): DraftEvent => ({ id: `e${n}`, type: 'click', item, ts: n, session: 's1' })

afterEach(() => void vi.unstubAllGlobals())

describe('sendBeacon', () => {
  it('sends the events as JSON in a string body (text/plain: no preflight), site in the body', () => {
    const bodies = fakeBeacons()
    const sent = sendBeacon('https://sq.test', 'demo', undefined, [event(1), event(2)])
    expect(sent.map((e) => e.id)).toEqual(['e1', 'e2'])
    expect(bodies).toHaveLength(1)
    expect(bodies[0]!.url).toBe('https://sq.test/v1/events')
    expect(typeof bodies[0]!.body).toBe('string')
    expect(JSON.parse(bodies[0]!.body as string)).toEqual({ site: 'demo', events: [event(1), event(2)] })
  })

  it('carries the write key in the body when there is one', () => {
    const bodies = fakeBeacons()
    sendBeacon('https://sq.test', 'demo', 'K1', [event(1)])
    expect(JSON.parse(bodies[0]!.body as string)).toEqual({ site: 'demo', key: 'K1', events: [event(1)] })
  })

  it('skips events without a session (the worker sends those)', () => {
    fakeBeacons()
    expect(sendBeacon('https://sq.test', 'demo', undefined, [{ ...event(1), session: undefined }, event(2)]).map((e) => e.id)).toEqual(['e2'])
  })

  it('splits many events into beacons each under 60 KB, even of multi-byte ids, and stops at the browser limit', () => {
    const bodies = fakeBeacons()
    // 3-byte characters: 300 × 200 × 3 B ≈ 180 KB of ids, far over one beacon and the 64 KiB in flight.
    const events = Array.from({ length: 300 }, (_, i) => event(i, '€'.repeat(200)))
    const sent = sendBeacon('https://sq.test', 'demo', undefined, events)
    expect(bodies.length).toBeGreaterThan(0)
    for (const { body } of bodies) expect(new Blob([body as string]).size).toBeLessThan(60_000)
    // What was queued is exactly what the beacons carry, a prefix of the events; the rest stays for the outbox.
    const carried = bodies.flatMap(({ body }) => (JSON.parse(body as string) as { events: DraftEvent[] }).events.map((e) => e.id))
    expect(sent.map((e) => e.id)).toEqual(carried)
    expect(carried).toEqual(events.slice(0, carried.length).map((e) => e.id))
    expect(carried.length).toBeLessThan(events.length)
  })

  it('sends several beacons when the browser takes them all', () => {
    const bodies = fakeBeacons(Infinity)
    const events = Array.from({ length: 2000 }, (_, i) => event(i))
    expect(sendBeacon('https://sq.test', 'demo', undefined, events)).toHaveLength(2000)
    expect(bodies.length).toBeGreaterThan(1)
  })
})
