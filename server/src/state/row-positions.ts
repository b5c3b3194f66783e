/** `positions` with at least `count` entries, the new ones 0. */
export function growTo(positions: readonly number[], count: number): number[] {
  const out = [...positions]
  while (out.length < count) out.push(0)
  return out
}

/**
 * A materialized view's protocol 1 version: on one rows partition the latest row version held (its
 * offset + 1, as before partitions); on several, the sum of the next offsets (it grows with every
 * change, but compares only between views of one partition count).
 */
export function viewVersion(latest: number, positions: readonly number[]): number {
  return positions.length <= 1 ? latest : positions.reduce((sum, next) => sum + next, 0)
}
