import { batchValue, validBatch } from './gen-batch'
import type { Generator, HttpCase, Validity } from './fuzz-case'
import { httpRequest } from './http-request'
import { encodeAnyWay } from './msgpack-writer'
import type { Prng } from './prng'

const JSON_TYPES = ['application/json', 'text/plain', 'application/json; charset=utf-8', 'Application/JSON']
const MSGPACK_TYPES = ['application/msgpack', 'application/x-msgpack']
const WRONG_TYPES = ['application/xml', '', 'multipart/form-data; boundary=x', 'application/octet-stream', 'text/html', 'application/json\u0000']

/** Invalid UTF-8 sequences (overlong, lone continuation, surrogate, truncated). */
const BAD_UTF8 = [[0xc0, 0xaf], [0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0xff]]

/** Inserts invalid UTF-8 inside the first session id: a valid batch may then be stored or refused. */
function withBadUtf8(bytes: Buffer, random: Prng, marker: Buffer): Buffer | undefined {
  const at = bytes.indexOf(marker)
  if (at < 0) return undefined
  const cut = at + marker.byteLength
  return Buffer.concat([bytes.subarray(0, cut), Buffer.from(random.pick(BAD_UTF8)), bytes.subarray(cut)])
}

const post = (contentType: string | undefined, body: Buffer) =>
  httpRequest('POST', '/v1/events', contentType === undefined ? {} : { 'Content-Type': contentType }, body)

function eventsCase(surface: string, validity: Validity, label: string, contentType: string | undefined, body: Buffer): HttpCase {
  return { kind: 'http', surface, validity, label, chunks: [post(contentType, body)] }
}

/** `POST /v1/events` with JSON bodies: mutated batches, broken text, wrong content types. */
export const jsonBatches: Generator = (random, context) => {
  const { value, validity, label } = batchValue(random, context)
  const body = Buffer.from(JSON.stringify(value))
  const type = random.pick(JSON_TYPES)
  const roll = random.int(10)
  if (roll === 0) return eventsCase('json', 'invalid', `${label}, truncated`, type, body.subarray(0, random.int(body.byteLength)))
  if (roll === 1) return eventsCase('json', 'invalid', `${label}, trailing bytes`, type, Buffer.concat([body, Buffer.from(random.pick([',', '}', 'x', '{}', '\u0000']))]))
  if (roll === 2) return eventsCase('json', 'invalid', `${label}, wrong content type`, random.chance(0.2) ? undefined : random.pick(WRONG_TYPES), body)
  if (roll === 3) {
    const text = random.pick(['NaN', 'Infinity', '-Infinity', '1e999', 'undefined'])
    return eventsCase('json', 'invalid', `ts ${text}`, type, Buffer.from(body.toString().replace(/"ts":-?[\d.e+]+/, `"ts":${text}`)))
  }
  if (roll === 4) {
    const bad = withBadUtf8(body, random, Buffer.from('"session":"s'))
    if (bad) return eventsCase('json', validity === 'valid' ? 'either' : validity, `${label}, invalid UTF-8`, type, bad)
  }
  if (roll === 5) {
    const deep = '['.repeat(1000 + random.int(100_000))
    return eventsCase('json', 'invalid', 'deep nesting, unclosed', type, Buffer.from(`{"site":"${context.watchedSite}","events":${deep}`))
  }
  return eventsCase('json', validity, label, type, body)
}

/** A msgpack header declaring a huge length (2^31 or 2^32-1) over a short body. */
function hugeHeader(random: Prng): Buffer {
  const header = Buffer.alloc(5)
  header[0] = random.pick([0xdb, 0xc6, 0xdd, 0xdf, 0xc9])
  header.writeUInt32BE(random.pick([2 ** 31, 2 ** 32 - 1, 2 ** 30]), 1)
  return Buffer.concat([header, random.bytes(random.int(100))])
}

/** `POST /v1/events` with msgpack bodies in every valid encoding, and hostile ones. */
export const msgpackBatches: Generator = (random, context) => {
  const { value, validity, label } = batchValue(random, context)
  const body = encodeAnyWay(value, random)
  const type = random.pick(MSGPACK_TYPES)
  const roll = random.int(12)
  if (roll === 0) return eventsCase('msgpack', 'invalid', `${label}, truncated`, type, body.subarray(0, random.int(body.byteLength)))
  if (roll === 1) return eventsCase('msgpack', 'invalid', `${label}, trailing bytes`, type, Buffer.concat([body, random.bytes(1 + random.int(8))]))
  if (roll === 2 || roll === 3) {
    // The huge header replaces the events (or the whole body): refused before anything is allocated.
    const prefix = encodeAnyWay({ site: context.watchedSite, events: null }, random)
    const crafted = random.chance(0.5) ? Buffer.concat([prefix.subarray(0, -1), hugeHeader(random)]) : hugeHeader(random)
    return eventsCase('msgpack', 'invalid', `huge declared length 0x${crafted[0]!.toString(16)}`, type, crafted)
  }
  if (roll === 4) {
    const batch = validBatch(random, context.fuzzSite, context.now)
    const events = batch['events'] as Array<Record<string, unknown>>
    events[0]!['ts'] = 0.5 // placeholder: replaced by a 64-bit integer beyond 2^53, or a timestamp extension
    const bytes = encodeAnyWay(batch, random)
    const at = bytes.indexOf(Buffer.from([0xcb, 0x3f, 0xe0, 0, 0, 0, 0, 0, 0]))
    if (at >= 0) {
      const bad = random.chance(0.5)
        ? Buffer.from([0xcf, 0x00, 0x40, 0, 0, 0, 0, 0, 1])
        : Buffer.from([0xd7, 0xff, 0, 0, 0, 0, 0x60, 0, 0, 0])
      return eventsCase('msgpack', 'invalid', 'ts beyond 2^53 or a timestamp extension', type, Buffer.concat([bytes.subarray(0, at), bad, bytes.subarray(at + 9)]))
    }
  }
  if (roll === 5) {
    // Same-length bytes in place of a string's content: the framing holds, the text is not UTF-8.
    const batch = validBatch(random, context.fuzzSite, context.now)
    ;(batch['events'] as Array<Record<string, unknown>>)[0]!['session'] = 'sZZZZ'
    const bytes = encodeAnyWay(batch, random)
    const at = bytes.indexOf('ZZZZ')
    Buffer.from([...random.pick(BAD_UTF8), 0xff, 0xff, 0xff]).copy(bytes, at, 0, 4)
    return eventsCase('msgpack', 'either', 'invalid UTF-8 in a string', type, bytes)
  }
  if (roll === 6 && validity === 'valid') {
    const flipped = Buffer.from(body)
    for (let i = 1 + random.int(3); i > 0; i--) flipped[random.int(flipped.byteLength)] = random.int(256)
    return eventsCase('msgpack', 'either', 'valid batch, bytes flipped', type, flipped)
  }
  if (roll === 7) return eventsCase('msgpack', 'invalid', 'reserved byte 0xc1', type, Buffer.concat([Buffer.from([0xc1]), body]))
  return eventsCase('msgpack', validity, label, type, body)
}
