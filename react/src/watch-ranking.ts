import type { Sequitur } from '@sequitur/sdk'

/**
 * Ranks `ids` now and again on every change of the session's model (its trail or its cached rows), and
 * hands each new order to `onOrder`. Only the answer to the latest request counts: an older one that
 * resolves late would flash an outdated order. Returns a stop function.
 */
export function watchRanking(
  sequitur: Pick<Sequitur, 'rerank' | 'onChange'>,
  ids: readonly string[],
  onOrder: (order: string[]) => void,
): () => void {
  let latest = 0
  let stopped = false
  const run = (): void => {
    const ticket = ++latest
    // The SDK's calls never reject, but an instance the page passes in may be anything: a failure keeps the order shown.
    Promise.resolve()
      .then(() => sequitur.rerank([...ids]))
      .then(
        (ranked) => {
          if (!stopped && ticket === latest) onOrder(ranked.map((entry) => entry.item))
        },
        () => {},
      )
  }
  let unsubscribe = (): void => {}
  try {
    unsubscribe = sequitur.onChange(run)
  } catch {
    // Without change notices the list still gets its first ranking.
  }
  run()
  return () => {
    stopped = true
    unsubscribe()
  }
}
