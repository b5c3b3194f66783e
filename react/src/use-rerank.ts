import { useContext, useEffect, useMemo, useState } from 'react'
import { arrange, sameOrder } from './arrange.js'
import { SequiturContext } from './context.js'
import { watchRanking } from './watch-ranking.js'

/** Options of `useRerank()`. */
export interface RerankOptions<T> {
  /** The item id the SDK knows an item by; required unless the items are ids themselves. */
  id?: (item: T) => string
}

/**
 * `items` in the order this session most likely wants them, re-ordered whenever the session's model
 * changes (a click, a pushed row). The first render, and every render on the server, returns `items` as
 * given (or the order last ranked for the same ids under this provider), so nothing jumps before the SDK answers.
 */
export function useRerank(items: readonly string[], options?: RerankOptions<string>): readonly string[]
export function useRerank<T>(items: readonly T[], options: RerankOptions<T> & { id: (item: T) => string }): readonly T[]
export function useRerank<T>(items: readonly T[], options: RerankOptions<T> = {}): readonly T[] {
  const { sequitur, orders } = useContext(SequiturContext)
  const idOf = options.id ?? String
  const ids = items.map((item) => idOf(item))
  // Unambiguous whatever the ids contain: a list is the same list exactly when this string is the same.
  const signature = JSON.stringify(ids)
  // The ids of this list, kept while they stay the same, so the subscription below outlives re-renders.
  const listIds = useMemo(() => ids, [signature])
  const [ranked, setRanked] = useState<{ signature: string; order: readonly string[] } | null>(null)

  useEffect(() => {
    if (!sequitur) return
    return watchRanking(sequitur, listIds, (order) => {
      orders?.set(signature, order)
      setRanked((shown) => (shown?.signature === signature && sameOrder(shown.order, order) ? shown : { signature, order }))
    })
  }, [sequitur, orders, signature, listIds])

  const order = ranked?.signature === signature ? ranked.order : orders?.get(signature)
  return useMemo(() => (order ? arrange(items, listIds, order) : items), [items, listIds, order])
}
