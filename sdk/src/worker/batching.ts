/** Limits of one batch. */
export interface BatchLimits {
  /** Most events in one batch. */
  maxEvents: number
  /** Largest encoded batch, in bytes. */
  maxBytes: number
}

/**
 * The longest prefix of `queue` that fits in one batch. `sizeOf` gives an entry's encoded size;
 * an entry too large on its own is returned alone, so the caller can send it and drop it when the server refuses.
 */
export function takeBatch<T>(queue: readonly T[], sizeOf: (entry: T) => number, limits: BatchLimits): T[] {
  const batch: T[] = []
  let bytes = 0
  for (const entry of queue) {
    if (batch.length >= limits.maxEvents) break
    bytes += sizeOf(entry)
    if (bytes > limits.maxBytes && batch.length > 0) break
    batch.push(entry)
  }
  return batch
}

/** What to do with a batch after the server answered `status` (0: no answer). */
export type Verdict = 'sent' | 'retry' | 'drop'

/** `2xx`: sent; `408`, `429`, `5xx` or no answer: retry later; any other `4xx`: the batch can never succeed. */
export function verdictOf(status: number): Verdict {
  if (status >= 200 && status < 300) return 'sent'
  if (status >= 400 && status < 500 && status !== 408 && status !== 429) return 'drop'
  return 'retry'
}
