/** How one item's position changed when a list was re-ordered. */
export interface Move {
  item: string
  /** Index before the re-order. */
  from: number
  /** Index after the re-order. */
  to: number
  /** Places moved up (`from - to`); negative when the item moved down. */
  delta: number
}

/** Every item present in both orders, in the new order, with where it was and where it is. */
export function computeMoves(before: readonly string[], after: readonly string[]): Move[] {
  const previous = new Map(before.map((item, index) => [item, index]))
  const moves: Move[] = []
  after.forEach((item, to) => {
    const from = previous.get(item)
    if (from !== undefined) moves.push({ item, from, to, delta: from - to })
  })
  return moves
}

/** The moves that went up, in the new order. */
export function movedUp(moves: readonly Move[]): Move[] {
  return moves.filter((move) => move.delta > 0)
}
