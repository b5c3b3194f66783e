import { LIMITS, type ClientMessage, type Subscribe } from '../protocol'

/** What a resubscribe resumes from: the cursor held and the epoch of the rows log it came from. */
export interface Resume {
  cursor: string
  epoch?: string
}

/** Items to start and stop receiving when the wanted set goes from `before` to `after`. */
export function diffItems(before: Iterable<string>, after: Iterable<string>): { added: string[]; removed: string[] } {
  const old = new Set(before)
  const next = new Set(after)
  return { added: [...next].filter((item) => !old.has(item)), removed: [...old].filter((item) => !next.has(item)) }
}

function chunks(items: readonly string[], size: number): string[][] {
  const out: string[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/**
 * Subscribe messages for `items`. Items whose row is held are current up to `resume`'s cursor (of
 * its epoch's rows log), so they ask only for changes at or after it; the others (never held, or held
 * before any cursor was known) ask for the full row. Each message holds at most `max` items.
 */
export function subscribeMessages(
  site: string,
  items: readonly string[],
  held: (item: string) => boolean,
  resume: Resume | undefined,
  max: number = LIMITS.itemsPerRequest,
): Subscribe[] {
  const current = resume === undefined ? [] : items.filter(held)
  const fresh = resume === undefined ? [...items] : items.filter((item) => !held(item))
  return [
    ...chunks(current, max).map((chunk): Subscribe => ({ type: 'subscribe', site, items: chunk, ...resume })),
    ...chunks(fresh, max).map((chunk): Subscribe => ({ type: 'subscribe', site, items: chunk })),
  ]
}

/** Unsubscribe messages for `items`, at most `max` items each. */
export function unsubscribeMessages(site: string, items: readonly string[], max: number = LIMITS.itemsPerRequest): ClientMessage[] {
  return chunks(items, max).map((chunk) => ({ type: 'unsubscribe', site, items: chunk }))
}
