/** Size of an event as the bound counts it: its JSON length (close to its stored and encoded size). */
export const sizeOf = (value: unknown): number => JSON.stringify(value).length

/**
 * How many of the oldest `events` (oldest first) to drop so that at most `maxEvents` events of at most
 * `maxBytes` in all remain: the newest are kept, they say most about the session now.
 */
export function trimEntries(events: readonly unknown[], maxEvents: number, maxBytes: number): number {
  let bytes = 0
  let keep = 0
  for (let i = events.length - 1; i >= 0 && keep < maxEvents; i--) {
    bytes += sizeOf(events[i])
    if (bytes > maxBytes) break
    keep++
  }
  return events.length - keep
}
