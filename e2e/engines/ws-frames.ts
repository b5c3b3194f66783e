/**
 * Reads the frames a WebSocket client sends, from the raw bytes of its side of the connection: a client
 * masks every frame (RFC 6455 §5.3), so the proxy has to unmask them to see what they carry.
 */
export function frameReader(onPayload: (payload: Buffer) => void): (chunk: Buffer) => void {
  let pending: Buffer = Buffer.alloc(0)
  return (chunk) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk])
    for (;;) {
      if (pending.length < 2) return
      const masked = (pending[1]! & 0x80) !== 0
      let length = pending[1]! & 0x7f
      let offset = 2
      if (length === 126) {
        if (pending.length < 4) return
        length = pending.readUInt16BE(2)
        offset = 4
      } else if (length === 127) {
        if (pending.length < 10) return
        length = Number(pending.readBigUInt64BE(2))
        offset = 10
      }
      const maskAt = offset
      if (masked) offset += 4
      if (pending.length < offset + length) return
      const payload = Buffer.from(pending.subarray(offset, offset + length))
      if (masked) for (let i = 0; i < payload.length; i++) payload[i]! ^= pending[maskAt + (i % 4)]!
      onPayload(payload)
      pending = pending.subarray(offset + length)
    }
  }
}
