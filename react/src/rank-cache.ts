/** Remembers the last order of the most recent lists, so a list mounted again renders in it at once. */
export interface RankCache {
  get(signature: string): readonly string[] | undefined
  set(signature: string, order: readonly string[]): void
}

/** A cache of the last order of at most `limit` lists (by their ids), the least recently set dropped first. */
export function createRankCache({ limit = 50 }: { limit?: number } = {}): RankCache {
  const orders = new Map<string, readonly string[]>()
  return {
    get: (signature) => orders.get(signature),
    set(signature, order) {
      orders.delete(signature)
      orders.set(signature, order)
      if (orders.size > limit) orders.delete(orders.keys().next().value!)
    },
  }
}
