import { unpackExact } from '../msgpack'
import type { FuzzCase } from './fuzz-case'
import type { Outcome } from './execute'
import { OP } from './ws-frame'

/** The kinds of failure the fuzz counts. */
export type Failure = 'crash' | '5xx' | 'non-JSON error' | 'hang' | 'state change' | 'accepted invalid' | 'refused valid' | 'bad frame'

/** The verdict on one outcome; `accepted` counts events a `202` took in. */
export interface Verdict {
  failure?: Failure
  detail?: string
  accepted: number
}

// Close codes a server may end a misbehaving stream with; 1011 (internal error) is not among them.
const CLEAN_CLOSES = new Set([1000, 1001, 1002, 1003, 1007, 1008, 1009, 1013])
const MESSAGE_TYPES = new Set(['hello', 'rows', 'error'])

/** An error body is exactly `{error: string, code: string, details?}`. */
function isErrorBody(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const { error, code, ...rest } = value as Record<string, unknown>
  const extra = Object.keys(rest).filter((key) => key !== 'details')
  return typeof error === 'string' && typeof code === 'string' && extra.length === 0
}

/** Judges an outcome: every answer a 4xx JSON error, a 2xx only where the input allowed it, or a clean close. */
export function judge(c: FuzzCase, { http, frames }: Outcome): Verdict {
  if (http.hung) return { failure: 'hang', detail: 'no answer in time', accepted: 0 }
  if (frames) return judgeFrames(frames)
  const status = http.status
  if (status === undefined) return { accepted: 0 } // closed without an answer: a clean close
  if (status >= 500) return { failure: '5xx', detail: `${status} ${http.body.toString('utf8').slice(0, 200)}`, accepted: 0 }
  // An answer to HEAD has no body by definition (the request may arrive in chunks shorter than its method).
  const head = c.kind === 'http' && c.chunks.slice(0, 5).join('').startsWith('HEAD ')
  if (status >= 400 && !head) {
    const type = http.headers.get('content-type') ?? ''
    const length = http.headers.get('content-length')
    let body: unknown
    try {
      body = JSON.parse(http.body.toString('utf8'))
    } catch {
      body = undefined
    }
    if (!type.startsWith('application/json') || !isErrorBody(body) || (length !== undefined && Number(length) !== http.body.byteLength)) {
      return { failure: 'non-JSON error', detail: `${status} ${type} ${http.body.toString('utf8').slice(0, 200)}`, accepted: 0 }
    }
    if (c.validity === 'valid') return { failure: 'refused valid', detail: `${status} ${http.body.toString('utf8').slice(0, 300)}`, accepted: 0 }
    return { accepted: 0 }
  }
  if (status >= 400) return { accepted: 0 }
  if (c.validity === 'invalid' && status < 300) return { failure: 'accepted invalid', detail: `${status} ${http.body.toString('utf8').slice(0, 200)}`, accepted: 0 }
  return { accepted: status === 202 ? acceptedOf(http.body) : 0 }
}

function acceptedOf(body: Buffer): number {
  try {
    const value = JSON.parse(body.toString('utf8')) as { accepted?: unknown }
    return typeof value.accepted === 'number' ? value.accepted : 0
  } catch {
    return 0
  }
}

function judgeFrames(frames: Array<{ opcode: number; payload: Buffer }>): Verdict {
  for (const { opcode, payload } of frames) {
    if (opcode === OP.close) {
      const code = payload.byteLength >= 2 ? payload.readUInt16BE(0) : 1000
      // 3000–4999 belong to applications: the server echoes a client's own.
      if (!CLEAN_CLOSES.has(code) && !(code >= 3000 && code < 5000)) return { failure: 'bad frame', detail: `close ${code} ${payload.subarray(2).toString()}`, accepted: 0 }
      continue
    }
    if (opcode !== OP.text && opcode !== OP.binary) continue
    let message: unknown
    try {
      message = opcode === OP.text ? JSON.parse(payload.toString('utf8')) : unpackExact(payload)
    } catch {
      return { failure: 'bad frame', detail: 'undecodable message', accepted: 0 }
    }
    const type = (message as { type?: unknown } | null)?.type
    if (typeof type !== 'string' || !MESSAGE_TYPES.has(type)) return { failure: 'bad frame', detail: `message ${JSON.stringify(message).slice(0, 200)}`, accepted: 0 }
  }
  return { accepted: 0 }
}
