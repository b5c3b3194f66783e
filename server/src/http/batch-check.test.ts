import { BatchSchema, LIMITS } from '@sequitur/sdk/protocol'
import * as v from 'valibot'
import { isDeepStrictEqual } from 'node:util'
import { describe, expect, it } from 'vitest'
import { checkBatch } from './batch-check'
import { mulberry32 } from '../random'


const odd: unknown[] = ['', 'x'.repeat(LIMITS.idLength), 'x'.repeat(LIMITS.idLength + 1), null, undefined, 0, -1, 1.5, Number.NaN, Infinity, -Infinity, true, [], {}, ['a'], 'click', 'impression', 'nope', Array.from({ length: LIMITS.impressionItems + 1 }, (_, i) => `i${i}`)]

function validEvent(r: () => number, i: number): Record<string, unknown> {
  const base: Record<string, unknown> = { id: `e${i}`, session: `s${i % 3}`, ts: Math.floor(r() * 2e12) }
  if (r() < 0.3) base.user = `u${i}`
  if (r() < 0.3) base.list = `l${i}`
  if (r() < 0.3) return { ...base, type: 'impression', items: ['a', 'b', 'c'].slice(0, 1 + Math.floor(r() * 3)) }
  return { ...base, type: ['view', 'click', 'cart', 'purchase'][Math.floor(r() * 4)], item: `I${i}` }
}

describe('checkBatch', () => {
  it('answers valid batches exactly as BatchSchema does, and never accepts what the schema refuses', () => {
    const r = mulberry32(7)
    const keys = ['site', 'key', 'events', 'id', 'type', 'item', 'items', 'list', 'session', 'user', 'ts', 'extra']
    let fast = 0
    for (let n = 0; n < 20_000; n++) {
      const batch: Record<string, unknown> = { site: 'demo', ...(n % 2 ? { key: `k${n}` } : {}), events: Array.from({ length: 1 + Math.floor(r() * 4) }, (_, i) => validEvent(r, i)) }
      // Mutate most batches: one field of the batch or of an event set to an odd value, deleted or added.
      const mutations = n % 5 === 0 ? 0 : 1 + Math.floor(r() * 2)
      for (let m = 0; m < mutations; m++) {
        const events = batch.events as Array<Record<string, unknown>>
        const pick: unknown = r() < 0.2 || !Array.isArray(events) ? batch : events[Math.floor(r() * events.length)]
        const target = typeof pick === 'object' && pick !== null ? (pick as Record<string, unknown>) : batch
        const key = keys[Math.floor(r() * keys.length)]!
        if (r() < 0.2) delete target[key]
        else target[key] = odd[Math.floor(r() * odd.length)]
      }
      const input = structuredClone(batch) as { events: unknown }
      const schema = v.safeParse(BatchSchema, batch)
      const checked = checkBatch(batch)
      if (checked) {
        fast++
        expect(schema.success).toBe(true)
        const { verbatim, ...batch } = checked
        expect(batch).toEqual(schema.output)
        // Verbatim: each input event is exactly its output (nothing was dropped).
        expect(verbatim).toBe((batch.events as object[]).every((e, i) => isDeepStrictEqual(e, (input.events as object[])[i])))
      } else if (mutations === 0) {
        throw new Error(`a valid batch was not recognized: ${JSON.stringify(batch)}`)
      }
    }
    expect(fast).toBeGreaterThan(4000) // the unmutated fifth, and mutations that keep a batch valid
  })

  it('drops unknown keys as the schema does, and refuses non-objects and empty or oversized batches', () => {
    const event = { id: 'e', type: 'click', item: 'A', session: 's', ts: 1, extra: 1 }
    expect(checkBatch({ site: 'demo', events: [event], more: 1 })).toEqual({ site: 'demo', events: [{ id: 'e', type: 'click', item: 'A', session: 's', ts: 1 }], verbatim: false })
    const { extra: _, ...plain } = event
    expect(checkBatch({ site: 'demo', events: [plain], more: 1 })!.verbatim).toBe(true)
    expect(checkBatch({ site: 'demo', events: [{ ...event, type: 'impression', items: ['A'] }] })!.events[0]).toEqual({ id: 'e', type: 'impression', items: ['A'], session: 's', ts: 1 })
    for (const bad of [null, 'x', [], { site: 'demo', events: [] }, { site: 'demo', events: Array.from({ length: LIMITS.batchEvents + 1 }, () => event) }]) {
      expect(checkBatch(bad)).toBeUndefined()
    }
  })
})
