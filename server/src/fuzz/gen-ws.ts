import { packExact } from '../msgpack'
import { HOSTILE_IDS } from './gen-batch'
import type { Generator, GeneratorContext } from './fuzz-case'
import type { Prng } from './prng'
import { frame, OP } from './ws-frame'

const KEY = 'dGhlIHNhbXBsZSBub25jZQ=='

function handshake(random: Prng): { text: string; valid: boolean; label: string } {
  const format = random.pick(['json', 'msgpack', 'xml', ''])
  const lines = [`GET /v1/stream?format=${format} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: Upgrade', 'Upgrade: websocket', `Sec-WebSocket-Key: ${KEY}`, 'Sec-WebSocket-Version: 13']
  if (random.chance(0.9)) return { text: `${lines.join('\r\n')}\r\n\r\n`, valid: true, label: 'handshake' }
  const broken = random.int(5)
  if (broken === 0) lines[4] = `Sec-WebSocket-Key: ${random.pick(['', 'short', '!!!!!!!!!!!!!!!!!!!!!!==', KEY + KEY])}`
  if (broken === 1) lines[5] = `Sec-WebSocket-Version: ${random.pick(['', '12', '99', 'x'])}`
  if (broken === 2) lines[0] = `POST /v1/stream HTTP/1.1`
  if (broken === 3) lines.push(`Sec-WebSocket-Protocol: ${random.pick([',', 'a,,b', 'a b', '"'])}`)
  if (broken === 4) lines[0] = `GET /v1/${random.pick(['rows', 'nowhere', 'events'])} HTTP/1.1`
  return { text: `${lines.join('\r\n')}\r\n\r\n`, valid: false, label: `broken handshake ${broken}` }
}

function message(random: Prng, { watchedSite }: GeneratorContext): unknown {
  const items = Array.from({ length: random.int(250) }, () => random.pick(['P1', 'P7', 'x'.repeat(random.int(140)), ...HOSTILE_IDS]))
  return random.pick<unknown>([
    { type: 'subscribe', site: watchedSite, items, ...(random.chance(0.3) ? { since: random.pick([0, -1, 1.5, 2 ** 60, 'x']) } : {}) },
    { type: 'unsubscribe', site: watchedSite, items },
    { type: random.pick(['hello', 'rows', '__proto__', '']), site: watchedSite, items },
    { type: 'subscribe', site: random.pick(['nosuch', '', '__proto__', 7]), items },
    random.pick([null, 7, 'x', [], {}]),
  ])
}

/** A data frame holding one client message, as JSON text or msgpack binary. */
function dataFrame(random: Prng, context: GeneratorContext): Buffer {
  const value = message(random, context)
  return random.chance(0.5) ? frame(OP.text, Buffer.from(JSON.stringify(value))) : frame(OP.binary, packExact(value))
}

/** Ways to misuse the stream after the handshake; each adds frames. */
const MOVES: Array<(frames: Buffer[], random: Prng, context: GeneratorContext) => string> = [
  (f, r, c) => (f.push(dataFrame(r, c)), 'message'),
  (f, r) => (f.push(frame(r.pick([OP.text, OP.binary]), r.bytes(r.int(300)))), 'garbage payload'),
  (f, r) => (f.push(r.bytes(1 + r.int(64))), 'garbage bytes'),
  (f, r, c) => {
    const whole = Buffer.from(JSON.stringify(message(r, c)))
    const cut = r.int(whole.byteLength)
    f.push(frame(OP.text, whole.subarray(0, cut), { fin: false }))
    if (r.chance(0.3)) f.push(frame(OP.ping, Buffer.from('p')))
    f.push(frame(r.chance(0.9) ? OP.continuation : OP.text, whole.subarray(cut)))
    return 'fragmented'
  },
  (f, r, c) => (f.push(frame(OP.text, Buffer.from(JSON.stringify(message(r, c))), { mask: false })), 'unmasked'),
  (f, r) => (f.push(frame(OP.binary, r.bytes(16), { declaredLength: r.pick([70_000n, 2n ** 31n, 2n ** 62n]) })), 'oversized declared length'),
  (f, r) => (f.push(frame(OP.binary, r.bytes(65 * 1024 + r.int(20_000)))), 'oversized message'),
  (f) => (f.push(frame(OP.text, Buffer.from([0x7b, 0xc0, 0xaf, 0xed, 0xa0, 0x80, 0x7d]))), 'invalid UTF-8 text'),
  (f, r) => (f.push(frame(r.pick([3, 4, 5, 6, 7, 11, 15]), r.bytes(4))), 'reserved opcode'),
  (f, r) => (f.push(frame(OP.text, Buffer.from('{}'), { rsv: 1 + r.int(7) })), 'rsv bits'),
  (f, r) => (f.push(frame(OP.ping, r.bytes(126 + r.int(100)))), 'oversized ping'),
  (f) => (f.push(frame(OP.ping, Buffer.from('x'), { fin: false })), 'fragmented control frame'),
  (f, r) => (f.push(frame(OP.close, r.pick([Buffer.from([0x03, 0xe7]), Buffer.from([0x0b, 0xb8]), Buffer.from([1]), Buffer.from([0x03, 0xe8, 0xff])]))), 'bad close'),
  (f, r, c) => {
    for (let i = 0, n = 50 + r.int(150); i < n; i++) f.push(dataFrame(r, c))
    return 'flood'
  },
]

/** `/v1/stream`: valid and broken handshakes, then messages and malformed frames, all raw. */
export const websocket: Generator = (random, context) => {
  const { text, valid, label } = handshake(random)
  const frames: Buffer[] = []
  const moves: string[] = []
  for (let i = 1 + random.int(3); i > 0; i--) moves.push(random.pick(MOVES)(frames, random, context))
  return { kind: 'ws', surface: 'websocket', validity: 'either', label: `${label}; ${moves.join(', ')}`, handshake: text, handshakeValid: valid, frames }
}
