import { ITEM_EVENT_TYPES, LIMITS, type Batch, type Event } from '@sequitur/sdk/protocol'

const ITEM_TYPES: ReadonlySet<unknown> = new Set(ITEM_EVENT_TYPES)

const isId = (x: unknown): x is string => typeof x === 'string' && x.length > 0 && x.length <= LIMITS.idLength
const isOptionalId = (x: unknown) => x === undefined || isId(x)

/** A batch `checkBatch` accepted. */
export interface CheckedBatch extends Batch {
  /** No event had a key the schema drops: each input event holds exactly its output's keys and values. */
  verbatim: boolean
}

/**
 * The common case of `BatchSchema` without its general machinery: a batch every field of which is
 * valid gets the same output (unknown keys dropped); anything else gets `undefined`, and the caller
 * asks the schema, which says what is wrong. It never accepts what the schema refuses (tested
 * against it).
 */
export function checkBatch(input: unknown): CheckedBatch | undefined {
  if (typeof input !== 'object' || input === null) return undefined
  const { site, key, events } = input as { site?: unknown; key?: unknown; events?: unknown }
  if (!isId(site) || !isOptionalId(key) || !Array.isArray(events) || events.length === 0 || events.length > LIMITS.batchEvents) return undefined
  const out: Event[] = new Array(events.length)
  let verbatim = true
  for (let i = 0; i < events.length; i++) {
    const event = checkEvent(events[i])
    if (!event) return undefined
    out[i] = event
    verbatim &&= keyCount(events[i] as object) === keyCount(event)
  }
  return key === undefined ? { site, events: out, verbatim } : { site, key, events: out, verbatim }
}

function keyCount(o: object): number {
  let n = 0
  for (const _ in o) n++
  return n
}

function checkEvent(input: unknown): Event | undefined {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return undefined
  const { id, type, item, items, list, session, user, ts } = input as Record<string, unknown>
  if (!isId(id) || !isId(session) || !isOptionalId(user) || !isOptionalId(list)) return undefined
  if (typeof ts !== 'number' || !Number.isFinite(ts) || ts < 0) return undefined
  let event: Event
  if (ITEM_TYPES.has(type)) {
    if (!isId(item)) return undefined
    event = { id, type: type as (typeof ITEM_EVENT_TYPES)[number], item, session, ts }
  } else if (type === 'impression') {
    if (!Array.isArray(items) || items.length === 0 || items.length > LIMITS.impressionItems || !items.every(isId)) return undefined
    event = { id, type, items: items.slice(), session, ts }
  } else return undefined
  if (user !== undefined) event.user = user
  if (list !== undefined) event.list = list
  return event
}
