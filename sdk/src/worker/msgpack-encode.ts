/**
 * A MessagePack encoder for the worker's own messages (event batches, stream subscriptions): JSON-like
 * values only. msgpackr's packer was about 6.5 KB of the worker's gzipped size (its decoder is
 * `msgpack-decode.ts`).
 */

const utf8 = new TextEncoder()

/** Writes into a buffer that grows as needed. */
class Writer {
  #bytes = new Uint8Array(256)
  #view = new DataView(this.#bytes.buffer)
  #length = 0

  /** Reserves `n` bytes; returns where they start. */
  #take(n: number): number {
    const at = this.#length
    if (at + n > this.#bytes.length) {
      const bigger = new Uint8Array(Math.max(this.#bytes.length * 2, at + n))
      bigger.set(this.#bytes)
      this.#bytes = bigger
      this.#view = new DataView(bigger.buffer)
    }
    this.#length += n
    return at
  }

  // (`#take` may replace the buffer: call it before reading `#bytes`.)
  byte(value: number): void {
    const at = this.#take(1)
    this.#bytes[at] = value
  }

  /** A type byte followed by `value` as a big-endian unsigned or signed integer, or a float64, of `size` bytes. */
  head(type: number, value: number, size: 1 | 2 | 4 | 8, kind: 'uint' | 'int' | 'float' = 'uint'): void {
    this.byte(type)
    const at = this.#take(size)
    if (kind === 'float') this.#view.setFloat64(at, value)
    else if (size === 1) kind === 'int' ? this.#view.setInt8(at, value) : this.#view.setUint8(at, value)
    else if (size === 2) kind === 'int' ? this.#view.setInt16(at, value) : this.#view.setUint16(at, value)
    else kind === 'int' ? this.#view.setInt32(at, value) : this.#view.setUint32(at, value)
  }

  bytes(data: Uint8Array): void {
    const at = this.#take(data.length)
    this.#bytes.set(data, at)
  }

  result(): Uint8Array<ArrayBuffer> {
    return this.#bytes.slice(0, this.#length)
  }
}

/** The header of a string, array or map of `length`: the fix form below `fixMax`, else 8 (strings only), 16 or 32 bits. */
function lengthHead(out: Writer, length: number, fix: number, fixMax: number, types: [number | undefined, number, number]): void {
  if (length < fixMax) out.byte(fix | length)
  else if (types[0] !== undefined && length < 0x100) out.head(types[0], length, 1)
  else if (length < 0x10000) out.head(types[1], length, 2)
  else out.head(types[2], length, 4)
}

function write(out: Writer, value: unknown): void {
  if (value === null || value === undefined) return out.byte(0xc0)
  if (value === false) return out.byte(0xc2)
  if (value === true) return out.byte(0xc3)
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value > 0xffffffff || value < -0x80000000) return out.head(0xcb, value, 8, 'float')
    if (value >= 0) {
      if (value < 0x80) return out.byte(value)
      if (value < 0x100) return out.head(0xcc, value, 1)
      return value < 0x10000 ? out.head(0xcd, value, 2) : out.head(0xce, value, 4)
    }
    if (value >= -0x20) return out.byte(value & 0xff)
    if (value >= -0x80) return out.head(0xd0, value, 1, 'int')
    return value >= -0x8000 ? out.head(0xd1, value, 2, 'int') : out.head(0xd2, value, 4, 'int')
  }
  if (typeof value === 'string') {
    const bytes = utf8.encode(value)
    lengthHead(out, bytes.length, 0xa0, 32, [0xd9, 0xda, 0xdb])
    return out.bytes(bytes)
  }
  if (value instanceof Uint8Array) {
    lengthHead(out, value.length, 0, 0, [0xc4, 0xc5, 0xc6])
    return out.bytes(value)
  }
  if (Array.isArray(value)) {
    lengthHead(out, value.length, 0x90, 16, [undefined, 0xdc, 0xdd])
    for (const item of value) write(out, item)
    return
  }
  if (typeof value === 'object' && (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null)) {
    // Like JSON, a property whose value is undefined is left out.
    const entries = Object.entries(value).filter(([, v]) => v !== undefined)
    lengthHead(out, entries.length, 0x80, 16, [undefined, 0xde, 0xdf])
    for (const [key, v] of entries) {
      write(out, key)
      write(out, v)
    }
    return
  }
  throw new TypeError(`cannot encode ${Object.prototype.toString.call(value)} as MessagePack`)
}

/** Encodes a JSON-like value (null, booleans, numbers, strings, arrays, plain objects, and bytes) as MessagePack. */
export function encodeMsgpack(value: unknown): Uint8Array<ArrayBuffer> {
  const out = new Writer()
  write(out, value)
  return out.result()
}
