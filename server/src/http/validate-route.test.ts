import type { Event, ModelAnswer } from '@sequitur/sdk/protocol'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DAY_MS, dayOf } from '../clock'
import { loadConfig } from '../config'
import { startServer, type RunningServer } from '../server'

const secret = 'a-long-enough-admin-secret'
let dir: string
let server: RunningServer | undefined
let base: string
const start = async () => {
  server = await startServer(loadConfig({ PORT: '0', SEQUITUR_DATA_DIR: dir, SEQUITUR_ADMIN_SECRET: secret }), { log: () => {} })
  base = `http://127.0.0.1:${server.port}`
}
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sequitur-validate-'))
  await start()
})
afterEach(async () => {
  await server?.close()
  server = undefined
  rmSync(dir, { recursive: true, force: true })
})

const now = Date.now()
let n = 0
const trail = (session: string, ts: number, ...items: string[]): Event[] =>
  items.map((item, i) => ({ id: `v${++n}`, type: 'click', item, session, ts: ts + i }) as Event)
const model = async (site = 'demo') => fetch(`${base}/v1/model?site=${site}`)
const validate = (auth?: string, site = 'demo') =>
  fetch(`${base}/v1/admin/validate?site=${site}`, { method: 'POST', headers: auth ? { authorization: auth } : {} })

describe('the self-validation through HTTP (embedded)', () => {
  it('validates each finished day, ships the parameters on GET /v1/model, and keeps them across a restart', async () => {
    expect(await (await model()).json()).toEqual({ params: { depth: 5, decay: 0.4, repeat: 0.05, repeatDecay: 0.5, repeatPrior: 2, hop: 0 }, validated: null })
    expect((await validate(`Bearer ${secret}`)).status).toBe(409)
    const events = [
      ...trail('a1', now - 2 * DAY_MS, 'A', 'B'),
      ...trail('a2', now - 2 * DAY_MS, 'A', 'B'),
      // The scored day: A → B (known before it) and X → X (a return).
      ...trail('b1', now - DAY_MS, 'A', 'B'),
      ...trail('b2', now - DAY_MS, 'X', 'X'),
      ...trail('c1', now, 'E'),
    ]
    const res = await fetch(`${base}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ site: 'demo', events }) })
    expect(res.status).toBe(202)
    let answer: ModelAnswer
    const deadline = performance.now() + 5000
    do answer = (await (await model()).json()) as ModelAnswer
    while (answer.validated?.day !== dayOf(now - DAY_MS) && performance.now() < deadline)
    expect(answer.validated).toMatchObject({ day: dayOf(now - DAY_MS), cases: 2, sessions: 2, hr: 1, mrr: 1 })
    expect(answer.params.repeat).toBeGreaterThan(0)
    const metrics = await (await fetch(`${base}/metrics`)).text()
    expect(metrics).toContain('sequitur_validated_hr20{site="demo"} 1')
    expect(metrics).toContain('sequitur_validated_mrr20{site="demo"} 1')
    // On demand, with the site's admin secret only.
    expect((await validate()).status).toBe(401)
    expect((await validate('Bearer wrong-secret-of-some-length')).status).toBe(401)
    const onDemand = await validate(`Bearer ${secret}`)
    expect(onDemand.status).toBe(200)
    expect(await onDemand.json()).toEqual(answer)
    await server!.close()
    await start()
    expect(await (await model()).json()).toEqual(answer)
  })

  it('refuses an unknown or malformed site with a JSON error', async () => {
    const unknown = await model('__proto__')
    expect(unknown.status).toBe(401)
    expect(await unknown.json()).toMatchObject({ code: 'unknown_site' })
    const missing = await fetch(`${base}/v1/model`)
    expect(missing.status).toBe(400)
    expect(await missing.json()).toMatchObject({ code: 'invalid_query' })
  })
})
