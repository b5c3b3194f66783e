import { ITEM_EVENT_TYPES } from '@sequitur/sdk/protocol'
import type { GeneratorContext, Validity } from './fuzz-case'
import type { Prng } from './prng'

const DAY_MS = 86_400_000
/** Ids that must be data, never lookups. */
export const HOSTILE_IDS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'toJSON', 'valueOf', '__defineGetter__']

/** A batch value and what the generator knows about it. */
export interface BatchValue {
  value: unknown
  validity: Validity
  label: string
}

function id(random: Prng): string {
  return random.chance(0.15) ? random.pick(HOSTILE_IDS) : `F${random.string(12)}`
}

/** A valid event for the fuzz site. */
function event(random: Prng, now: number): Record<string, unknown> {
  const type = random.pick([...ITEM_EVENT_TYPES, 'impression'])
  const out: Record<string, unknown> = { id: `e${random.string(20)}`, type, session: `s${random.int(50)}`, ts: now - random.int(DAY_MS) }
  if (type === 'impression') out['items'] = Array.from({ length: 1 + random.int(5) }, () => id(random))
  else out['item'] = id(random)
  if (random.chance(0.3)) out['user'] = id(random)
  if (random.chance(0.3)) out['list'] = id(random)
  // Unknown keys, hostile ones among them, are dropped by the schema: still valid.
  if (random.chance(0.2)) out[random.pick(['extra', 'constructor', 'toString', 'x'])] = random.pick([1, 'a', null, [1], { a: 1 }])
  return out
}

/** A valid batch for `site`. */
export function validBatch(random: Prng, site: string, now: number): Record<string, unknown> {
  return { site, events: Array.from({ length: 1 + random.int(4) }, () => event(random, now)) }
}

type Mutation = (batch: Record<string, unknown>, events: Array<Record<string, unknown>>, random: Prng, now: number) => string

/** Changes that make any batch invalid; each returns its label. */
const MUTATIONS: Mutation[] = [
  (_b, events, random) => {
    const field = random.pick(['id', 'type', 'session', 'ts'])
    delete events[0]![field]
    return `missing ${field}`
  },
  (_b, events, random) => {
    const field = random.pick(['id', 'type', 'session', 'ts', 'item', 'user', 'list'])
    events[0]![field] = random.pick([{}, [], true, field === 'ts' ? 'now' : 7, -1.5, '', 'x'.repeat(129)])
    if (field === 'item' && events[0]!['type'] === 'impression') events[0]!['type'] = 'click'
    return `wrong type of ${field}`
  },
  (_b, events, random, now) => {
    events[random.int(events.length)]!['ts'] = now + 2 * DAY_MS + random.int(DAY_MS * 365)
    return 'ts far ahead'
  },
  (_b, events) => {
    events[0]!['ts'] = -1
    return 'negative ts'
  },
  (_b, events) => {
    events[0]!['type'] = 'impression'
    events[0]!['items'] = []
    return 'empty impression'
  },
  (batch) => {
    batch['events'] = []
    return 'no events'
  },
  (batch, events, random, now) => {
    batch['events'] = Array.from({ length: 501 }, (_, i) => ({ ...events[0], id: `e${i}`, ts: now }))
    void random
    return 'too many events'
  },
  (batch, _e, random) => {
    batch['site'] = random.pick(['', 'x'.repeat(129), 'nosuchsite', 7, null, '__proto__', 'constructor'])
    return 'bad site'
  },
  (batch) => {
    delete batch['site']
    return 'no site'
  },
  (batch, _e, random) => {
    batch['events'] = random.pick([{}, 'events', 3, null, { 0: {} }])
    return 'events not an array'
  },
  (batch, events, random) => {
    let deep: unknown = events
    for (let i = 0, n = 50 + random.int(2000); i < n; i++) deep = [deep]
    batch['events'] = deep
    return 'deep nesting'
  },
  (batch) => {
    const inner = { ...batch }
    for (const key of Object.keys(batch)) delete batch[key]
    // An own `__proto__` key (as JSON.parse and the msgpack decoder make it), not the prototype.
    Object.defineProperty(batch, '__proto__', { value: inner, enumerable: true, configurable: true, writable: true })
    return '__proto__ holds the batch'
  },
  (_b, events) => {
    events[0]!['ts'] = Number.NaN
    return 'NaN ts'
  },
  (_b, events, random) => {
    events[0]!['ts'] = random.pick([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])
    return 'infinite ts'
  },
]

/** A batch value: valid for the fuzz site, or broken by one mutation (aimed at either site). */
export function batchValue(random: Prng, { watchedSite, fuzzSite, now }: GeneratorContext): BatchValue {
  if (random.chance(0.3)) return { value: validBatch(random, fuzzSite, now), validity: 'valid', label: 'valid batch' }
  const batch = validBatch(random, random.pick([watchedSite, fuzzSite]), now)
  const label = random.pick(MUTATIONS)(batch, batch['events'] as Array<Record<string, unknown>>, random, now)
  return { value: batch, validity: 'invalid', label }
}
