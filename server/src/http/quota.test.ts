import type { Event, RowsAnswer } from '@sequitur/sdk/protocol'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../config'
import { startServer, type RunningServer } from '../server'

let dir: string
let server: RunningServer
let base: string
/** The server's clock runs `skew` ms ahead of the real one: tests move time forward to refill buckets. */
let skew = 0
const OPERATOR = 'quota-test-operator-token-0123'

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sequitur-quota-'))
  server = await startServer(loadConfig({ PORT: '0', SEQUITUR_DATA_DIR: dir, SEQUITUR_SITES: 'demo', SEQUITUR_OPERATOR_TOKEN: OPERATOR }), {
    log: () => {},
    clock: () => Date.now() + skew,
  })
  base = `http://127.0.0.1:${server.port}`
  // The quota is the site's record's, as the operator set it.
  const created = await fetch(`${base}/v1/admin/sites`, {
    method: 'POST',
    headers: { authorization: `Bearer ${OPERATOR}`, 'content-type': 'application/json' },
    body: JSON.stringify({ site: 'limited', open: true, quota: { eventsPerSecond: 1, burst: 10 } }),
  })
  expect(created.status).toBe(201)
})
afterAll(async () => {
  await server.close()
  rmSync(dir, { recursive: true, force: true })
})

let n = 0
/** A session clicking `items` in order. */
const clicks = (site: string, ...items: string[]) => {
  const session = `s${++n}`
  return { site, events: items.map((item, i): Event => ({ id: `q${n}-${i}`, type: 'click', item, session, ts: Date.now() + i })) }
}
const post = (batch: unknown) =>
  fetch(`${base}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(batch) })
const rows = async (site: string, items: string) => ((await (await fetch(`${base}/v1/rows?site=${site}&items=${items}`)).json()) as RowsAnswer).rows

describe('event quotas, through HTTP', () => {
  it('answers 429 rate_limited with Retry-After over the quota, stores nothing, and accepts the batch once refilled', async () => {
    expect((await post(clicks('limited', ...'ABCDEFGHIJ'))).status).toBe(202)
    const refused = clicks('limited', 'X', 'Y', 'Z')
    const res = await post(refused)
    expect(res.status).toBe(429)
    // 3 tokens at 1/s, less what refilled while the first batch was written: 3 s at most, 1 s at least.
    const seconds = res.headers.get('retry-after')!
    expect(seconds).toMatch(/^[1-3]$/)
    expect(await res.json()).toEqual({ error: `site 'limited' is over its quota of events; retry in ${seconds} s`, code: 'rate_limited' })
    await new Promise((r) => setTimeout(r, 100))
    expect(await rows('limited', 'X,Y')).toEqual({})
    skew += Number(seconds) * 1000
    // The log never held it: the same events are new now.
    expect(await (await post(refused)).json()).toEqual({ accepted: 3, duplicates: 0 })
  })

  it('counts events, not requests, and says how long a big batch waits for a full bucket', async () => {
    skew += 40_000
    expect((await post(clicks('limited', ...'ABCDEFGHIJ'))).status).toBe(202)
    const res = await post(clicks('limited', ...'ABCDEFGHIJKL'))
    // 12 events > burst 10: they need a full bucket, 10 tokens at 1/s.
    expect(res.status).toBe(429)
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(8)
    skew += 20_000
    expect((await post(clicks('limited', ...'ABCDEFGHIJKL'))).status).toBe(202)
  })

  it('spends no quota on a refused batch and none on another site', async () => {
    skew += 40_000
    const invalid = await post({ site: 'limited', events: [{ id: 'x', type: 'click', session: 's' }] })
    expect(invalid.status).toBe(400)
    for (let i = 0; i < 20; i++) expect((await post(clicks('demo', 'A', 'B'))).status).toBe(202)
    expect((await post(clicks('limited', ...'ABCDEFGHIJ'))).status).toBe(202)
  })
})
