import { HOSTILE_IDS } from './gen-batch'
import type { Generator } from './fuzz-case'
import { httpRequest } from './http-request'
import type { Prng } from './prng'

const ROUTES = ['/v1/rows', '/v1/trending', '/v1/profiles/{id}', '/v1/catalog/items/{id}', '/v1/catalog/items', '/v1/stream', '/healthz', '/metrics', '/v1/events', '/v1/nowhere']
const KEYS = ['site', 'items', 'limit', 'since', 'format', 'key', 'user', 'date', 'days', '__proto__', 'constructor', 'site[]', 'items[0]', '', '%00']

/** A query value: ids, lists, numbers, encodings that do not decode, very long ones. */
function queryValue(random: Prng): string {
  switch (random.int(9)) {
    case 0:
      return random.pick(['demo', 'fuzz', 'nosuch', '', ...HOSTILE_IDS])
    case 1:
      return Array.from({ length: random.int(260) }, () => random.pick(['a', 'P1', '', '__proto__', 'x'.repeat(129)])).join(',')
    case 2:
      return random.pick(['-1', '0', '1', '1e309', 'NaN', '1.5', '99999999999999999999', '0x10', ' 5', 'Infinity'])
    case 3:
      return random.pick(['%', '%zz', '%E0%A4%A', '%00', '%C0%AF', '%FF%FE', '%F0%9F%98', '%u0041'])
    case 4:
      return 'v'.repeat(random.int(6000))
    case 5:
      return random.pick(['json', 'msgpack', 'xml'])
    case 6:
      return encodeURIComponent(random.string(20, 'aé☃😀\u0000\u001f<>"\'{}[]\\'))
    default:
      return random.string(12)
  }
}

/** GET every route with random, repeated, broken and hostile query parameters (and path ids). */
export const queries: Generator = (random, context) => {
  const route = random.pick(ROUTES).replace('{id}', () => random.pick([...HOSTILE_IDS, 'P1', 'u1', '%00', '%zz', 'x'.repeat(200), encodeURIComponent('a/b')]))
  const pairs: string[] = []
  if (random.chance(0.8)) pairs.push(`site=${random.chance(0.7) ? context.watchedSite : queryValue(random)}`)
  for (let i = random.int(5); i > 0; i--) pairs.push(`${random.pick(KEYS)}=${queryValue(random)}`)
  if (random.chance(0.1)) pairs.push(random.pick(['&&&', '=', '==', 'site', '?']))
  const headers: Record<string, string> = {}
  if (random.chance(0.2)) headers['Authorization'] = `Bearer ${random.chance(0.5) ? context.adminSecret : random.string(32)}`
  if (random.chance(0.2)) headers['Accept'] = random.pick(['application/msgpack', 'text/html', '*/*'])
  const target = pairs.length ? `${route}?${pairs.join('&')}` : route
  return { kind: 'http', surface: 'query', validity: 'either', label: `GET ${target.slice(0, 120)}`, chunks: [httpRequest('GET', target, headers)] }
}
