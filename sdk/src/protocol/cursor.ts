/** Most partitions a stream cursor may name. */
export const MAX_CURSOR_PARTITIONS = 1024

/** Longest cursor accepted: `MAX_CURSOR_PARTITIONS` offsets of at most 16 digits, with their dots. */
export const MAX_CURSOR_LENGTH = MAX_CURSOR_PARTITIONS * 17

// Digits and dots only, no empty entry: linear to match (each dot ends an entry).
const SHAPE = /^\d{1,16}(?:\.\d{1,16})*$/

/**
 * The offsets of a stream cursor `"o0.o1.….oN-1"` (the next offset of each rows partition), or
 * `undefined` when it is not one: empty, another character than digits and dots, more than
 * `MAX_CURSOR_PARTITIONS` entries, or an entry past `Number.MAX_SAFE_INTEGER`.
 */
export function parseCursor(cursor: string): number[] | undefined {
  if (cursor.length > MAX_CURSOR_LENGTH || !SHAPE.test(cursor)) return undefined
  const offsets = cursor.split('.').map(Number)
  return offsets.length <= MAX_CURSOR_PARTITIONS && offsets.every(Number.isSafeInteger) ? offsets : undefined
}

/** The cursor string of per-partition offsets. */
export const formatCursor = (offsets: readonly number[]): string => offsets.join('.')

/** The element-wise maximum of two cursors' offsets (a partition one of them lacks counts as 0). */
export function mergeCursors(a: readonly number[], b: readonly number[]): number[] {
  return Array.from({ length: Math.max(a.length, b.length) }, (_, i) => Math.max(a[i] ?? 0, b[i] ?? 0))
}

/** An epoch: names one rows log (embedded mode's state file, or a Kafka cluster's rows topic). */
export const EPOCH_SHAPE = /^[0-9A-Za-z_-]{1,64}$/

/**
 * What a client holds of the stream: a cursor's offsets and the epoch of the rows log they are
 * offsets of (none from an edge of the first protocol 2 release).
 */
export interface StreamPosition {
  offsets: number[]
  epoch?: string
}

/** The position a message's `cursor` and `epoch` name, or `undefined` when either is malformed. */
export function positionOf(cursor: string | undefined, epoch: string | undefined): StreamPosition | undefined {
  const offsets = cursor === undefined ? undefined : parseCursor(cursor)
  if (!offsets || (epoch !== undefined && !EPOCH_SHAPE.test(epoch))) return undefined
  return epoch === undefined ? { offsets } : { offsets, epoch }
}

/** The position held after `got`: merged with `held` on the same log; `got` alone from another log. */
export function advancePosition(held: StreamPosition | undefined, got: StreamPosition): StreamPosition {
  return held && held.epoch === got.epoch ? { ...got, offsets: mergeCursors(held.offsets, got.offsets) } : got
}

/** A position as one string (`epoch:cursor`, or the cursor alone), as a client may store it. */
export const formatPosition = ({ offsets, epoch }: StreamPosition): string => (epoch === undefined ? '' : `${epoch}:`) + formatCursor(offsets)

/** The position of `formatPosition`'s string; a stored cursor without an epoch reads as one of no epoch. */
export function parsePosition(stored: string): StreamPosition | undefined {
  const at = stored.lastIndexOf(':')
  return at < 0 ? positionOf(stored, undefined) : positionOf(stored.slice(at + 1), stored.slice(0, at))
}
