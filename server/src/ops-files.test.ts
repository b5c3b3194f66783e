import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from './config'
import { startServer, type RunningServer } from './server'

const opsDir = new URL('../../docs/ops/', import.meta.url)
const dashboard = readFileSync(new URL('grafana-dashboard.json', opsDir), 'utf8')
const alerts = readFileSync(new URL('alerts.yml', opsDir), 'utf8')

/** The metric names a PromQL text uses (a histogram's series named by the histogram). */
function metricNames(promql: string): Set<string> {
  return new Set([...promql.matchAll(/\bsequitur_[a-z0-9_]+/g)].map(([name]) => name.replace(/_(bucket|sum|count)$/, '')))
}

const expressions = {
  dashboard: (JSON.parse(dashboard) as { panels: Array<{ targets: Array<{ expr: string }> }> }).panels.flatMap((p) => p.targets.map((t) => t.expr)),
  alerts: [...alerts.matchAll(/^\s+expr: (.+)$/gm)].map(([, expr]) => expr!),
}

let server: RunningServer
let dir: string
let base: string
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sequitur-ops-'))
  server = await startServer(loadConfig({ PORT: '0', SEQUITUR_DATA_DIR: dir }), { log: () => {} })
  base = `http://127.0.0.1:${server.port}`
})
afterAll(async () => {
  await server.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('docs/ops: the Grafana dashboard and the Prometheus alert rules', () => {
  it('name only metrics the server exports', async () => {
    const exported = await (await fetch(`${base}/metrics`)).text()
    for (const [file, list] of Object.entries(expressions)) {
      expect(list.length, file).toBeGreaterThan(4)
      for (const expr of list) {
        expect(expr.split('(').length, `${file}: ${expr}`).toBe(expr.split(')').length)
        for (const name of metricNames(expr)) expect(exported, `${file}: ${name}`).toMatch(new RegExp(`^# TYPE ${name} `, 'm'))
      }
    }
  })

  it('cover consumer lag, freshness p99, the 429 rate, 5xx and thread restarts', () => {
    for (const list of Object.values(expressions)) {
      const names = new Set(list.flatMap((e) => [...metricNames(e)]))
      for (const name of ['sequitur_consumer_lag', 'sequitur_freshness_seconds', 'sequitur_events_rate_limited_total', 'sequitur_http_responses_total', 'sequitur_thread_restarts_total']) {
        expect(names).toContain(name)
      }
    }
  })

  it('read series the embedded server fills: answers by route and status, freshness of applied events', async () => {
    await fetch(`${base}/v1/nothing-here`)
    const events = [{ id: 'ops-1', type: 'click', item: 'a', session: 's', ts: Date.now() }, { id: 'ops-2', type: 'click', item: 'b', session: 's', ts: Date.now() }]
    const posted = await fetch(`${base}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ site: 'demo', events }) })
    expect(posted.status).toBe(202)
    await expect
      .poll(async () => (await (await fetch(`${base}/metrics`)).text()).match(/^sequitur_freshness_seconds_count (\d+)$/m)?.[1])
      .not.toBe('0')
    const text = await (await fetch(`${base}/metrics`)).text()
    expect(text).toMatch(/^sequitur_http_responses_total\{route="\/v1\/other",status="404"\} 1$/m)
    expect(text).toMatch(/^sequitur_http_responses_total\{route="\/v1\/events",status="202"\} 1$/m)
  })
})
