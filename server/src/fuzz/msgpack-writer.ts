import type { Prng } from './prng'

/**
 * A msgpack encoder that picks, at random, any of the valid encodings of each value (an integer
 * as uint64, int64 or float64, a short string as str32, …): other libraries emit each of these.
 */
export function encodeAnyWay(value: unknown, random: Prng): Buffer {
  const out: Buffer[] = []
  write(value, random, out)
  return Buffer.concat(out)
}

function header(kind: 'str' | 'array' | 'map', length: number, random: Prng): Buffer {
  const fix = { str: [0xa0, 31], array: [0x90, 15], map: [0x80, 15] }[kind]
  const wide = { str: [0xd9, 0xda, 0xdb], array: [-1, 0xdc, 0xdd], map: [-1, 0xde, 0xdf] }[kind]
  const options: Buffer[] = []
  if (length <= fix[1]!) options.push(Buffer.from([fix[0]! + length]))
  if (wide[0]! > 0 && length < 256) options.push(Buffer.from([wide[0]!, length]))
  if (length < 65536) options.push(Buffer.from([wide[1]!, length >> 8, length & 255]))
  const b32 = Buffer.alloc(5)
  b32[0] = wide[2]!
  b32.writeUInt32BE(length, 1)
  options.push(b32)
  return random.chance(0.6) ? options[0]! : random.pick(options)
}

function number(value: number, random: Prng): Buffer {
  if (!Number.isSafeInteger(value) || random.chance(0.15)) {
    const b = Buffer.alloc(9)
    b[0] = 0xcb
    b.writeDoubleBE(value, 1)
    return b
  }
  if (value >= 0 && value < 128 && random.chance(0.5)) return Buffer.from([value])
  const b = Buffer.alloc(9)
  if (value >= 0 && random.chance(0.5)) {
    b[0] = 0xcf
    b.writeBigUInt64BE(BigInt(value), 1)
  } else {
    b[0] = 0xd3
    b.writeBigInt64BE(BigInt(value), 1)
  }
  if (value >= 0 && value < 2 ** 32 && random.chance(0.5)) return Buffer.from([0xce, ...b.subarray(5)])
  return b
}

function write(value: unknown, random: Prng, out: Buffer[]): void {
  if (value === null || value === undefined) out.push(Buffer.from([0xc0]))
  else if (value === true || value === false) out.push(Buffer.from([value ? 0xc3 : 0xc2]))
  else if (typeof value === 'number') out.push(number(value, random))
  else if (typeof value === 'string') {
    const bytes = Buffer.from(value)
    out.push(header('str', bytes.byteLength, random), bytes)
  } else if (Array.isArray(value)) {
    out.push(header('array', value.length, random))
    for (const item of value) write(item, random, out)
  } else if (typeof value === 'object') {
    const entries = Object.entries(value as object)
    out.push(header('map', entries.length, random))
    for (const [key, item] of entries) {
      write(key, random, out)
      write(item, random, out)
    }
  } else throw new TypeError(`cannot encode ${typeof value}`)
}
