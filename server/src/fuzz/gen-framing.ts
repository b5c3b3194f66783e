import { validBatch } from './gen-batch'
import type { Generator, GeneratorContext } from './fuzz-case'
import type { Prng } from './prng'

const PATHS = ['/v1/events', '/healthz', '/v1/rows?site=demo&items=a', '/v1/stream', '/metrics', '/', '*', 'http://127.0.0.1/healthz', '/v1/%zz', '/v1/rows?site=%E0%A4%A', '//v1/events', '/v1/events/../events']
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'TRACE', 'G ET', 'POSTX', 'get', '\u0000']
// Never a version the parser takes: an odd line is never a valid request (its effect is known).
const VERSIONS = ['HTTP/2.0', 'HTTP/1.1 x', 'HTTP/0.9', 'HTTX/1.1', '', 'HTTP/1.10']

type Head = { line: string; headers: string[]; body: Buffer; label: string; mayWait?: boolean; events: number }

/** Ways to break or stretch the framing of a request; each returns its label. */
const TWISTS: Array<(head: Head, random: Prng) => void> = [
  (h, r) => {
    const value = r.pick(['-1', 'abc', '1e3', ' 5', '99999999999999999999', 'longer', '0x10'])
    // A declared length beyond the body leaves the request incomplete: the server rightly waits.
    h.mayWait ||= value === 'longer'
    h.headers.push(`Content-Length: ${value === 'longer' ? h.body.byteLength + 1 + r.int(100) : value}`)
    h.label = 'bad or long content-length'
  },
  (h) => {
    h.headers.push(`Content-Length: ${h.body.byteLength}`, `Content-Length: ${h.body.byteLength + 1}`)
    h.label = 'two content-lengths'
  },
  (h, r) => {
    const chunked = r.chance(0.5)
      ? Buffer.concat([Buffer.from(`${h.body.byteLength.toString(16)}\r\n`), h.body, Buffer.from('\r\n0\r\n\r\n')])
      : Buffer.from(r.pick(['zz\r\nabc\r\n0\r\n\r\n', '5\r\nab\r\n0\r\n\r\n', `ffffffffffffffff\r\n${'a'.repeat(20)}`, '3;ext=' + 'x'.repeat(20_000) + '\r\nabc\r\n0\r\n\r\n', '0\r\nTrailer: x\r\n\r\n']))
    h.headers.push('Transfer-Encoding: chunked')
    h.body = chunked
    h.label = 'chunked'
    h.mayWait ||= chunked.includes('ffffffffffffffff')
  },
  (h) => {
    h.headers.push('Transfer-Encoding: chunked', `Content-Length: ${h.body.byteLength}`)
    h.label = 'chunked and content-length'
  },
  (h, r) => {
    h.headers.push(`Transfer-Encoding: ${r.pick(['gzip', 'chunked, gzip', 'identity', 'xchunked'])}`)
    h.label = 'other transfer-encoding'
  },
  (h, r) => {
    h.headers.push(`X-Big: ${'b'.repeat(10_000 + r.int(30_000))}`)
    h.label = 'oversized header'
  },
  (h, r) => {
    for (let i = 0, n = 100 + r.int(3000); i < n; i++) h.headers.push(`X-H${i}: v`)
    h.label = 'many headers'
  },
  (h, r) => {
    h.headers.push(r.pick(['X-A: a\u0000b', 'X A: b', ': empty', 'X-A:\r\n folded', 'X-Ä: b', 'X-A: \u00ff\u00fe', 'NoColon']))
    h.label = 'malformed header'
  },
  (h, r) => {
    h.headers.push(`Expect: ${r.pick(['100-continue', 'later', '200-ok'])}`)
    h.label = 'expect'
  },
  (h, r) => {
    h.headers.push('Connection: Upgrade', `Upgrade: ${r.pick(['h2c', 'websocket', 'TLS/1.0', 'WebSocket', ''])}`)
    h.label = 'upgrade'
  },
  (h) => {
    h.headers = h.headers.filter((line) => !line.startsWith('Host:'))
    h.label = 'no host'
  },
  (h, r) => {
    h.line = `${r.pick(METHODS)} ${r.pick(PATHS)} ${r.pick(VERSIONS)}`
    h.label = 'odd request line'
    h.mayWait = true // a line the parser cannot end may leave it waiting
  },
  (h, r) => {
    h.line = `GET /v1/rows?site=demo&items=${'i,'.repeat(4000 + r.int(8000))} HTTP/1.1`
    h.label = 'long URL'
  },
  (h, r) => {
    h.headers.push(`Content-Type: ${r.pick(['application/msgpack', 'application/json', 'text/plain'])}`)
    h.body = r.bytes(r.int(2000))
    h.label = 'random body'
  },
]

function base(random: Prng, { fuzzSite, now }: GeneratorContext): Head {
  const post = random.chance(0.6)
  const batch = post ? validBatch(random, fuzzSite, now) : undefined
  const body = batch ? Buffer.from(JSON.stringify(batch)) : Buffer.alloc(0)
  const headers = ['Host: 127.0.0.1', 'Connection: close']
  if (post) headers.push('Content-Type: application/json')
  const events = batch ? (batch.events as unknown[]).length : 0
  return { line: post ? 'POST /v1/events HTTP/1.1' : `GET ${random.pick(PATHS.slice(1, 5))} HTTP/1.1`, headers, body, label: '', events }
}

/** Raw HTTP framing: lengths, chunked encoding, headers, request lines. Reads or fuzz-site writes: either outcome is fine. */
export const framing: Generator = (random, context) => {
  const head = base(random, context)
  random.pick(TWISTS)(head, random)
  if (random.chance(0.2)) random.pick(TWISTS)(head, random)
  const hasLength = head.headers.some((line) => /^(content-length|transfer-encoding):/i.test(line))
  if (!hasLength && head.body.byteLength > 0) head.headers.push(`Content-Length: ${head.body.byteLength}`)
  const bytes = Buffer.concat([Buffer.from(`${head.line}\r\n${head.headers.join('\r\n')}\r\n\r\n`, 'latin1'), head.body])
  // Split at random points: the parser must not care how bytes arrive.
  const chunks: Buffer[] = []
  for (let at = 0; at < bytes.byteLength; ) {
    const size = random.chance(0.7) ? bytes.byteLength : 1 + random.int(64)
    chunks.push(bytes.subarray(at, at + size))
    at += size
  }
  return { kind: 'http', surface: 'framing', validity: 'either', label: head.label || 'plain', chunks, mayWait: head.mayWait ?? false, events: head.events }
}
