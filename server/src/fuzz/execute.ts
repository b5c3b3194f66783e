import { connect } from 'node:net'
import { parse, rawExchange, type RawAnswer } from '../testing/raw-http'
import type { FuzzCase, HttpCase, WsCase } from './fuzz-case'
import { OP } from './ws-frame'

/** What the server did with a case. */
export interface Outcome {
  /** The HTTP answer (for a WebSocket case: the handshake's). */
  http: RawAnswer
  /** WebSocket cases after a 101: the server's frames. */
  frames?: Array<{ opcode: number; payload: Buffer }>
}

/** How long a case may take. */
export interface Timing {
  /** No answer to a complete request within this is a hang. */
  answerMs: number
  /** A request that may be incomplete, or a WebSocket gone quiet, is left after this. */
  quietMs: number
}

/** Runs one case against the server at `port`. */
export function execute(port: number, c: FuzzCase, timing: Timing): Promise<Outcome> {
  return c.kind === 'http' ? executeHttp(port, c, timing) : executeWs(port, c, timing)
}

async function executeHttp(port: number, c: HttpCase, { answerMs, quietMs }: Timing): Promise<Outcome> {
  const http = await rawExchange(port, c.chunks, { timeoutMs: c.mayWait ? quietMs : answerMs })
  // A request the server is right to wait on is not a hang.
  if (c.mayWait && http.hung) http.hung = false
  return { http }
}

function executeWs(port: number, c: WsCase, { answerMs, quietMs }: Timing): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    let received = Buffer.alloc(0)
    let upgraded = false
    let done = false
    let timer = setTimeout(() => finish(false, true), answerMs)
    const finish = (closed: boolean, hung: boolean) => {
      if (done) return
      done = true
      clearTimeout(timer)
      socket.destroy()
      if (!upgraded) return resolve({ http: { ...parse(received), closed, hung } })
      return resolve({ http: { status: 101, headers: new Map(), body: Buffer.alloc(0), closed, hung: false }, frames: readFrames(received) })
    }
    socket.on('error', () => finish(true, false))
    socket.on('close', () => finish(true, false))
    socket.on('connect', () => socket.write(c.handshake))
    socket.on('data', (data) => {
      received = Buffer.concat([received, data])
      if (!upgraded) {
        const end = received.indexOf('\r\n\r\n')
        if (end < 0 || !received.subarray(0, 12).toString('latin1').startsWith('HTTP/1.1 101')) return
        upgraded = true
        received = received.subarray(end + 4)
        for (const f of c.frames) socket.write(f)
      }
      clearTimeout(timer)
      timer = setTimeout(() => finish(false, false), quietMs)
    })
  })
}

/** The server's frames (unmasked), up to the first incomplete one. */
export function readFrames(bytes: Buffer): Array<{ opcode: number; payload: Buffer }> {
  const frames: Array<{ opcode: number; payload: Buffer }> = []
  let at = 0
  while (at + 2 <= bytes.byteLength) {
    const opcode = bytes[at]! & 0x0f
    let length = bytes[at + 1]! & 0x7f
    let start = at + 2
    if (length === 126) {
      if (start + 2 > bytes.byteLength) break
      length = bytes.readUInt16BE(start)
      start += 2
    } else if (length === 127) {
      if (start + 8 > bytes.byteLength) break
      length = Number(bytes.readBigUInt64BE(start))
      start += 8
    }
    if (start + length > bytes.byteLength) break
    frames.push({ opcode, payload: bytes.subarray(start, start + length) })
    at = start + length
    if (opcode === OP.close) break
  }
  return frames
}
