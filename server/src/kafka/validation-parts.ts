import type { ModelRow } from '@sequitur/sdk/protocol'
import { packExact as pack, unpackExact as unpack } from '../msgpack'

/** Bytes of a validation part's sessions or rows at most (under `MAX_RECORD_BYTES` with room for the header). */
const PART_BYTES = 400 * 1024

/** What names a validation request: the events partition of the site, the offset of the record that asked, and its `k`. */
export interface RequestId {
  site: string
  from: number
  offset: number
  k: number
}

/**
 * A record of the validation-parts topic, keyed by site: the pieces the validator puts together.
 * Stage 1 sends a finished day's sampled sessions (`sessions`, in `chunks` parts) and, when a site
 * is removed, `forget`; each stage-2 partition answers its part of the request (part `request` of
 * `requests` that it got) with the rows it owns as they were before the day (`rows`, in `chunks`),
 * and its part of the request's second round, the hubs' rows, the same way (`hubs`).
 */
export type ValidationPart =
  | (RequestId & { kind: 'sessions'; day: number; partitions: number; chunk: number; chunks: number; sessions: string[][] })
  | (RequestId & { kind: 'rows' | 'hubs'; partition: number; request: number; requests: number; chunk: number; chunks: number; rows: Array<[string, ModelRow]> })
  | (RequestId & { kind: 'forget' })

const SESSIONS = 0
const ROWS = 1
const FORGET = 2
const HUB_ROWS = 3

/** The value of a part (a flat msgpack array). */
export function encodePart(p: ValidationPart): Buffer {
  const head = [p.site, p.from, p.offset, p.k]
  if (p.kind === 'sessions') return pack([SESSIONS, ...head, p.day, p.partitions, p.chunk, p.chunks, p.sessions])
  if (p.kind === 'rows' || p.kind === 'hubs') return pack([p.kind === 'rows' ? ROWS : HUB_ROWS, ...head, p.partition, p.request, p.requests, p.chunk, p.chunks, p.rows])
  return pack([FORGET, ...head])
}

/** The part a value holds; throws on one no version of Sequitur wrote. */
export function decodePart(value: Buffer): ValidationPart {
  const v = unpack(value) as unknown[]
  if (!Array.isArray(v)) throw new Error('a validation part of an unknown layout')
  const id = { site: v[1] as string, from: v[2] as number, offset: v[3] as number, k: v[4] as number }
  switch (v[0]) {
    case SESSIONS:
      return { kind: 'sessions', ...id, day: v[5] as number, partitions: v[6] as number, chunk: v[7] as number, chunks: v[8] as number, sessions: v[9] as string[][] }
    case ROWS:
    case HUB_ROWS:
      return { kind: v[0] === ROWS ? 'rows' : 'hubs', ...id, partition: v[5] as number, request: v[6] as number, requests: v[7] as number, chunk: v[8] as number, chunks: v[9] as number, rows: v[10] as Array<[string, ModelRow]> }
    case FORGET:
      return { kind: 'forget', ...id }
    default:
      throw new Error(`unknown validation part type ${String(v[0])}`)
  }
}

/** `items` in consecutive lists of about `max` bytes of msgpack at most (at least one list, maybe empty). */
export function chunked<T>(items: readonly T[], max = PART_BYTES): T[][] {
  const out: T[][] = [[]]
  let bytes = 0
  for (const item of items) {
    const size = pack(item).length
    if (bytes > 0 && bytes + size > max) (out.push([]), (bytes = 0))
    out.at(-1)!.push(item)
    bytes += size
  }
  return out
}

/** Whether request `a` of a site came before `b` (a site's requests come from one events partition, in order). */
export const before = (a: Pick<RequestId, 'offset' | 'k'>, b: Pick<RequestId, 'offset' | 'k'>): boolean => a.offset < b.offset || (a.offset === b.offset && a.k < b.k)
