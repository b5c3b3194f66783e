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
