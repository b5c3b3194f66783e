/** Options of one raw WebSocket frame. */
export interface FrameOptions {
  fin?: boolean
  /** RSV1-3 bits (must be 0 without extensions). */
  rsv?: number
  /** Clients must mask; `false` sends an unmasked frame. */
  mask?: boolean
  /** Declare this payload length instead of the real one. */
  declaredLength?: bigint
}

/** Encodes one WebSocket frame as a client would, or as a hostile one would with the options. */
export function frame(opcode: number, payload: Buffer, { fin = true, rsv = 0, mask = true, declaredLength }: FrameOptions = {}): Buffer {
  const length = declaredLength ?? BigInt(payload.byteLength)
  const head: number[] = [(fin ? 0x80 : 0) | ((rsv & 7) << 4) | (opcode & 0xf)]
  const maskBit = mask ? 0x80 : 0
  let extended = Buffer.alloc(0)
  if (length < 126n) head.push(maskBit | Number(length))
  else if (length < 65536n) {
    head.push(maskBit | 126)
    extended = Buffer.alloc(2)
    extended.writeUInt16BE(Number(length))
  } else {
    head.push(maskBit | 127)
    extended = Buffer.alloc(8)
    extended.writeBigUInt64BE(length)
  }
  if (!mask) return Buffer.concat([Buffer.from(head), extended, payload])
  const key = Buffer.from([0x12, 0x34, 0x56, 0x78])
  const masked = Buffer.from(payload)
  for (let i = 0; i < masked.byteLength; i++) masked[i]! ^= key[i % 4]!
  return Buffer.concat([Buffer.from(head), extended, key, masked])
}

/** The WebSocket opcodes. */
export const OP = { continuation: 0, text: 1, binary: 2, close: 8, ping: 9, pong: 10 } as const
