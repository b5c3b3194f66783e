import { HOSTILE_IDS } from './gen-batch'
import type { Generator } from './fuzz-case'
import { httpRequest } from './http-request'
import type { Prng } from './prng'

/** Authorization values that are not the watched site's secret. */
function wrongAuthorization(random: Prng, secret: string): string | undefined {
  switch (random.int(10)) {
    case 0:
      return undefined
    case 1:
      return random.pick(['Bearer', 'Bearer ', 'bearer ' + secret, 'Basic ' + Buffer.from(`demo:${secret}`).toString('base64'), 'Token ' + secret])
    case 2:
      return `Bearer ${secret.slice(0, -1)}`
    case 3:
      return `Bearer ${secret}x`
    case 4:
      return `Bearer ${'A'.repeat(random.int(8000))}`
    case 5:
      return `Bearer ${Buffer.from(random.bytes(24)).toString('latin1').replace(/[\r\n\u0000]/g, 'x')}`
    case 6:
      return `Bearer ${secret.toUpperCase() === secret ? secret.toLowerCase() : secret.toUpperCase()}`
    case 7:
      return `Bearer  ${secret}`
    default:
      return `Bearer ${random.string(32)}`
  }
}

/**
 * The admin routes (catalog, profiles) with wrong credentials: every write must be a 401 and store
 * nothing; the right secret on a read is valid.
 */
export const adminCredentials: Generator = (random, { watchedSite, adminSecret }) => {
  const item = random.pick(['P1', 'P7', ...HOSTILE_IDS])
  const target = random.pick([
    ['PUT', `/v1/catalog/items?site=${watchedSite}`],
    ['DELETE', `/v1/catalog/items/${item}?site=${watchedSite}`],
    ['GET', `/v1/catalog/items/${item}?site=${watchedSite}`],
    ['GET', `/v1/profiles/${item}?site=${watchedSite}`],
    ['PUT', `/v1/catalog/items?site=fuzz`],
  ] as const)
  const [method, path] = target
  const body = method === 'PUT' ? JSON.stringify({ items: [{ id: item, title: 'changed', price: 1 }] }) : undefined
  const headers: Record<string, string> = body ? { 'Content-Type': 'application/json' } : {}
  if (method === 'GET' && random.chance(0.3)) {
    headers['Authorization'] = `Bearer ${adminSecret}`
    return { kind: 'http', surface: 'admin', validity: 'either', label: `${method} ${path} with the secret`, chunks: [httpRequest(method, path, headers, body)] }
  }
  const authorization = wrongAuthorization(random, adminSecret)
  if (authorization !== undefined) headers['Authorization'] = authorization
  return { kind: 'http', surface: 'admin', validity: 'invalid', label: `${method} ${path} with ${JSON.stringify(authorization?.slice(0, 40))}`, chunks: [httpRequest(method, path, headers, body)] }
}
