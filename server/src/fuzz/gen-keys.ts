import { validBatch } from './gen-batch'
import type { Generator } from './fuzz-case'
import { httpRequest } from './http-request'
import type { Prng } from './prng'

/** Bodies of the operator API that no schema accepts (a site is never created or changed by them). */
const BAD_SITE_BODIES: unknown[] = [
  {},
  { site: 123 },
  { site: '' },
  { site: 'x'.repeat(300) },
  { site: 'fz', windowDays: 99_999 },
  { site: 'fz', windowDays: 0 },
  { site: 'fz', topK: -1 },
  { site: 'fz', quota: { eventsPerSecond: -5 } },
  { site: 'fz', quota: { burst: 'many' } },
  { site: 'fz', origins: ['ftp://shop.example'] },
  { site: 'fz', origins: 'https://shop.example' },
  { site: 'fz', open: 'yes' },
  { site: 'fz', secretHash: 'x' },
  { site: 'fz', keys: [{ key: 'mine' }] },
  [1, 2],
  null,
  'site',
]

/** A value that is not the keyed site's write key (or no key at all). */
function wrongKey(random: Prng, key: string): unknown {
  return random.pick([undefined, '', key.slice(0, -1), `${key}x`, key.toUpperCase(), random.string(24), 123, null, [key], { key }])
}

/**
 * Write keys and the operator token: batches for a site that is not open with a missing or wrong
 * key (401, nothing stored), the operator API with a wrong token, and with the right token but a
 * body no schema accepts. None of them may change anything.
 */
export const keysAndTokens: Generator = (random, { keyedSite, keyedKey, operatorToken, now }) => {
  const roll = random.int(3)
  if (roll === 0) {
    const batch = validBatch(random, keyedSite, now)
    const key = wrongKey(random, keyedKey)
    if (key !== undefined) batch['key'] = key
    const body = JSON.stringify(batch)
    return { kind: 'http', surface: 'keys', validity: 'invalid', label: `batch with key ${JSON.stringify(key)?.slice(0, 40)}`, chunks: [httpRequest('POST', '/v1/events', { 'Content-Type': 'application/json' }, body)] }
  }
  const [method, path] = random.pick([
    ['POST', '/v1/admin/sites'],
    ['PATCH', `/v1/admin/sites/${keyedSite}`],
    ['PATCH', '/v1/admin/sites/demo'],
    ['DELETE', `/v1/admin/sites/${keyedSite}`],
    ['POST', `/v1/admin/sites/${keyedSite}/rotate-key`],
    ['POST', `/v1/admin/sites/${keyedSite}/rotate-secret`],
    ['GET', '/v1/admin/sites'],
  ] as const)
  // An empty object is a valid patch (it changes nothing): not among a patch's bodies.
  const bodies = method === 'PATCH' ? BAD_SITE_BODIES.slice(1) : BAD_SITE_BODIES
  const body = method === 'POST' || method === 'PATCH' ? JSON.stringify(random.pick(bodies)) : undefined
  const headers: Record<string, string> = body ? { 'Content-Type': 'application/json' } : {}
  if (roll === 1 || method === 'DELETE' || method === 'GET' || path.endsWith('rotate-key') || path.endsWith('rotate-secret')) {
    const token = random.pick([undefined, '', operatorToken.slice(0, -1), `${operatorToken}x`, random.string(40), `Basic ${operatorToken}`])
    if (token !== undefined) headers['Authorization'] = token.startsWith('Basic') ? token : `Bearer ${token}`
    return { kind: 'http', surface: 'keys', validity: 'invalid', label: `${method} ${path} with a wrong token`, chunks: [httpRequest(method, path, headers, body)] }
  }
  headers['Authorization'] = `Bearer ${operatorToken}`
  return { kind: 'http', surface: 'keys', validity: 'invalid', label: `${method} ${path} with ${body?.slice(0, 40)}`, chunks: [httpRequest(method, path, headers, body)] }
}
