/**
 * Where each element of the `events` array of a msgpack-encoded batch (`{ site, events: [...] }`)
 * starts and ends, found by skipping over the encoding without decoding it: [start, end) pairs, or
 * undefined when the bytes are not such a map. Lets the log store each event's own bytes.
 */
export function eventSpans(bytes: Uint8Array): Int32Array | undefined {
  try {
    const at = { pos: 0 }
    const entries = length(bytes, at, 0x80, 0xde)
    for (let i = 0; i < entries; i++) {
      const key = readString(bytes, at)
      if (key !== 'events') {
        skip(bytes, at)
        continue
      }
      const count = length(bytes, at, 0x90, 0xdc)
      const spans = new Int32Array(count * 2)
      for (let e = 0; e < count; e++) {
        spans[2 * e] = at.pos
        skip(bytes, at)
        spans[2 * e + 1] = at.pos
      }
      return at.pos <= bytes.length ? spans : undefined
    }
    return undefined
  } catch {
    return undefined
  }
}

interface Cursor {
  pos: number
}

/** The entry count of a map (`fix` 0x80, 0xde, 0xdf) or array (`fix` 0x90, 0xdc, 0xdd) header. */
function length(b: Uint8Array, at: Cursor, fix: 0x80 | 0x90, op16: 0xde | 0xdc): number {
  const t = b[at.pos++]!
  if ((t & 0xf0) === fix) return t & 0x0f
  if (t === op16) return uint(b, at, 2)
  if (t === op16 + 1) return uint(b, at, 4)
  throw new Error(fix === 0x80 ? 'not a map' : 'not an array')
}

function readString(b: Uint8Array, at: Cursor): string {
  const t = b[at.pos++]!
  let length: number
  if (t >= 0xa0 && t <= 0xbf) length = t & 0x1f
  else if (t === 0xd9) length = uint(b, at, 1)
  else if (t === 0xda) length = uint(b, at, 2)
  else if (t === 0xdb) length = uint(b, at, 4)
  else throw new Error('not a string')
  if (at.pos + length > b.length) throw new Error('truncated')
  const s = Buffer.from(b.buffer, b.byteOffset + at.pos, length).toString('utf8')
  at.pos += length
  return s
}

function uint(b: Uint8Array, at: Cursor, bytes: 1 | 2 | 4): number {
  if (at.pos + bytes > b.length) throw new Error('truncated')
  let n = 0
  for (let i = 0; i < bytes; i++) n = n * 256 + b[at.pos++]!
  return n
}

/** Moves past one value of any type. */
function skip(b: Uint8Array, at: Cursor): void {
  const t = b[at.pos++]
  if (t === undefined) throw new Error('truncated')
  if (t <= 0x7f || t >= 0xe0 || t === 0xc0 || t === 0xc2 || t === 0xc3) return // fixint, nil, bool
  if (t >= 0xa0 && t <= 0xbf) return void (at.pos += t & 0x1f) // fixstr
  if (t >= 0x80 && t <= 0x8f) return skipMany(b, at, 2 * (t & 0x0f)) // fixmap
  if (t >= 0x90 && t <= 0x9f) return skipMany(b, at, t & 0x0f) // fixarray
  switch (t) {
    case 0xcc: case 0xd0: return void (at.pos += 1)
    case 0xcd: case 0xd1: return void (at.pos += 2)
    case 0xca: case 0xce: case 0xd2: return void (at.pos += 4)
    case 0xcb: case 0xcf: case 0xd3: return void (at.pos += 8)
    case 0xd9: case 0xc4: return advance(at, uint(b, at, 1)) // str8, bin8
    case 0xda: case 0xc5: return advance(at, uint(b, at, 2))
    case 0xdb: case 0xc6: return advance(at, uint(b, at, 4))
    case 0xdc: return skipMany(b, at, uint(b, at, 2))
    case 0xdd: return skipMany(b, at, uint(b, at, 4))
    case 0xde: return skipMany(b, at, 2 * uint(b, at, 2))
    case 0xdf: return skipMany(b, at, 2 * uint(b, at, 4))
    case 0xd4: return void (at.pos += 2) // fixext 1: type + data
    case 0xd5: return void (at.pos += 3)
    case 0xd6: return void (at.pos += 5)
    case 0xd7: return void (at.pos += 9)
    case 0xd8: return void (at.pos += 17)
    case 0xc7: return advance(at, 1 + uint(b, at, 1)) // ext8: length, type, data
    case 0xc8: return advance(at, 1 + uint(b, at, 2))
    case 0xc9: return advance(at, 1 + uint(b, at, 4))
    default: throw new Error(`unknown msgpack type 0x${t.toString(16)}`)
  }
}

/** (Not `at.pos += uint(...)`: that adds to the position read before `uint` moved it.) */
function advance(at: Cursor, bytes: number): void {
  at.pos += bytes
}

function skipMany(b: Uint8Array, at: Cursor, values: number): void {
  for (let i = 0; i < values; i++) skip(b, at)
}
