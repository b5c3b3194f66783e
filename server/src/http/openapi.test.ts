import { Validator } from '@seriousme/openapi-schema-validator'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../config'
import { startServer, type RunningServer } from '../server'
import { OPERATIONS } from './openapi'

const SECRET = 'openapi-test-demo-secret'
const OPERATOR = 'openapi-test-operator-token'
type Doc = {
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>>
  components: { schemas: { ErrorBody: object } }
}

let server: RunningServer
let dir: string
let base: string
let doc: Doc
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sequitur-openapi-'))
  server = await startServer(loadConfig({ PORT: '0', SEQUITUR_DATA_DIR: dir, SEQUITUR_ADMIN_SECRET: SECRET, SEQUITUR_OPERATOR_TOKEN: OPERATOR }), { log: () => {} })
  base = `http://127.0.0.1:${server.port}`
  // Yesterday's sessions: a finished day the site's self-validation can run on.
  const day = 86_400_000
  const yesterday = Array.from({ length: 40 }, (_, i) => ({ id: `oa-y${i}`, type: 'click', item: `P${(i * 7) % 12}`, session: `y${Math.floor(i / 4)}`, ts: now - day + i }))
  expect((await fetch(`${base}/v1/events`, json('POST', { site: 'demo', events: yesterday }))).status).toBe(202)
  doc = (await (await fetch(`${base}/openapi.json`)).json()) as Doc
})
afterAll(async () => {
  await server.close()
  rmSync(dir, { recursive: true, force: true })
})

const json = (method: string, body: unknown, token?: string): RequestInit => ({
  method,
  headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
  body: JSON.stringify(body),
})
const get = (token?: string): RequestInit => (token ? { headers: { authorization: `Bearer ${token}` } } : {})
const now = Date.now()
const events = [
  { id: 'oa-1', type: 'click', item: 'P1', session: 'oa', user: 'u1', ts: now },
  { id: 'oa-2', type: 'click', item: 'P7', session: 'oa', user: 'u1', ts: now + 1 },
]

/** One request that succeeds and one that fails, for each operation, in an order that works. */
const REQUESTS: Record<string, { ok: [string, RequestInit?]; error?: [string, RequestInit?] }> = {
  'post /v1/events': { ok: ['/v1/events', json('POST', { site: 'demo', events })], error: ['/v1/events', json('POST', { site: 'demo', events: [] })] },
  'get /v1/rows': { ok: ['/v1/rows?site=demo&items=P1,P7&include=related'], error: ['/v1/rows?site=demo'] },
  'get /v1/trending': { ok: ['/v1/trending?site=demo&limit=5'], error: ['/v1/trending?site=demo&limit=0'] },
  'post /v1/admin/validate': { ok: ['/v1/admin/validate?site=demo', { method: 'POST', ...get(SECRET) }], error: ['/v1/admin/validate?site=demo', { method: 'POST', ...get('a-wrong-secret-0123456789') }] },
  'get /v1/model': { ok: ['/v1/model?site=demo'], error: ['/v1/model'] },
  'put /v1/catalog/items': { ok: ['/v1/catalog/items?site=demo', json('PUT', { items: [{ id: 'OA1', category: 'shoes', price: 10 }] }, SECRET)], error: ['/v1/catalog/items?site=demo', json('PUT', { items: [] }, SECRET)] },
  'get /v1/catalog/items/{id}': { ok: ['/v1/catalog/items/OA1?site=demo', get(SECRET)], error: ['/v1/catalog/items/none?site=demo', get(SECRET)] },
  'delete /v1/catalog/items/{id}': { ok: ['/v1/catalog/items/OA1?site=demo', { method: 'DELETE', ...get(SECRET) }], error: ['/v1/catalog/items/OA1', { method: 'DELETE', ...get(SECRET) }] },
  'get /v1/profiles/{user}': { ok: ['/v1/profiles/u1?site=demo', get(SECRET)], error: ['/v1/profiles/u1?site=demo&days=0', get(SECRET)] },
  'post /v1/admin/sites': { ok: ['/v1/admin/sites', json('POST', { site: 'shop-oa', origins: ['https://shop.example'] }, OPERATOR)], error: ['/v1/admin/sites', json('POST', { site: 'shop-oa' }, OPERATOR)] },
  'get /v1/admin/sites': { ok: ['/v1/admin/sites', get(OPERATOR)], error: ['/v1/admin/sites', get('wrong-operator-token!!')] },
  'get /v1/admin/sites/{site}': { ok: ['/v1/admin/sites/shop-oa', get(OPERATOR)], error: ['/v1/admin/sites/nope', get(OPERATOR)] },
  'patch /v1/admin/sites/{site}': { ok: ['/v1/admin/sites/shop-oa', json('PATCH', { windowDays: 30 }, OPERATOR)], error: ['/v1/admin/sites/shop-oa', json('PATCH', { windowDays: 0 }, OPERATOR)] },
  'post /v1/admin/sites/{site}/rotate-key': { ok: ['/v1/admin/sites/shop-oa/rotate-key', json('POST', { graceSeconds: 60 }, OPERATOR)], error: ['/v1/admin/sites/nope/rotate-key', json('POST', {}, OPERATOR)] },
  'post /v1/admin/sites/{site}/rotate-secret': { ok: ['/v1/admin/sites/shop-oa/rotate-secret', { method: 'POST', ...get(OPERATOR) }], error: ['/v1/admin/sites/nope/rotate-secret', { method: 'POST', ...get(OPERATOR) }] },
  'delete /v1/admin/sites/{site}': { ok: ['/v1/admin/sites/shop-oa', { method: 'DELETE', ...get(OPERATOR) }], error: ['/v1/admin/sites/shop-oa', { method: 'DELETE', ...get(OPERATOR) }] },
  'get /healthz': { ok: ['/healthz'] },
  'get /metrics': { ok: ['/metrics'] },
  'get /openapi.json': { ok: ['/openapi.json'] },
}

describe('GET /openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(doc as unknown as Parameters<Validator['validate']>[0])
    expect(result.errors ?? []).toEqual([])
    expect(result.valid).toBe(true)
  })

  it('lists every route the server serves, and nothing else', () => {
    const served = server.routes
      .filter(({ method, path }) => method !== 'ALL' && !path.includes('*') && (path.startsWith('/v1/') || ['/healthz', '/metrics', '/openapi.json'].includes(path)))
      // The WebSocket upgrade is described in the document's text, not as an operation.
      .filter(({ path }) => path !== '/v1/stream')
      .map(({ method, path }) => `${method.toLowerCase()} ${path.replace(/:(\w+)/g, '{$1}')}`)
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method} ${path}`))
    expect(new Set(documented)).toEqual(new Set(served))
    expect(new Set(Object.keys(REQUESTS))).toEqual(new Set(documented))
  })

  it("describes every route's real answers: its success and an error, each checked against the document's schema", async () => {
    const ajv = new Ajv2020({ strict: false })
    const errorBody = ajv.compile(doc.components.schemas.ErrorBody)
    // In the table's order: a site is created before it is changed, and removed last.
    for (const [name, { ok, error }] of Object.entries(REQUESTS)) {
      const op = OPERATIONS.find((o) => `${o.method} ${o.path}` === name)!
      const response = await (op.path === '/v1/profiles/{user}' ? untilFound(ok) : fetch(`${base}${ok[0]}`, ok[1])).catch((e: unknown) => {
        throw new Error(`${name}: the request failed: ${String(e)}`, { cause: e })
      })
      expect(response.status, name).toBe(op.ok.status)
      const content = doc.paths[op.path]![op.method]!.responses[String(op.ok.status)]!.content!
      if (content['application/json']) {
        const validate = ajv.compile(content['application/json'].schema)
        const body: unknown = await response.json()
        expect(validate(body) ? [] : validate.errors, name).toEqual([])
      } else expect(typeof (await response.text()), name).toBe('string')
      if (!error) continue
      const failed = await fetch(`${base}${error[0]}`, error[1]).catch((e: unknown) => {
        throw new Error(`${name}: the error request failed: ${String(e)}`, { cause: e })
      })
      expect(op.errors, `${name}: ${failed.status}`).toContain(failed.status)
      const body: unknown = await failed.json()
      expect(errorBody(body) ? [] : errorBody.errors, name).toEqual([])
    }
  })
})

/** A profile exists once the processor applied the events: ask until it does. */
async function untilFound([path, init]: [string, RequestInit?]): Promise<Response> {
  const deadline = performance.now() + 30_000
  for (;;) {
    const response = await fetch(`${base}${path}`, init)
    if (response.status !== 404 || performance.now() > deadline) return response
    await new Promise((r) => setTimeout(r, 100))
  }
}
