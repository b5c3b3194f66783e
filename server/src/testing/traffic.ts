/**
 * Traffic for integration tests of whole servers (embedded or Kafka mode): click sessions on a small
 * catalogue, a client that posts until it gets a 202, the rows an offline build of the same events
 * gives, and the rows a server serves.
 */
import { dict, type Event, type ModelRow, type RowsAnswer } from '@sequitur/sdk/protocol'
import { randomUUID } from 'node:crypto'
import { expect } from 'vitest'
import { Model } from '../model'

/** The catalogue the sessions click in. */
export const ITEMS = Array.from({ length: 24 }, (_, i) => `I${i}`)

let seq = 0
/** `count` sessions of 2–6 clicks on `ITEMS`, as events. */
export function clickSessions(count: number): Event[] {
  const events: Event[] = []
  for (let s = 0; s < count; s++) {
    const session = `s-${randomUUID()}`
    const length = 2 + (s % 5)
    for (let i = 0; i < length; i++) {
      const item = ITEMS[(s * 7 + i * i * 3 + (seq % 5)) % ITEMS.length]!
      events.push({ id: `e-${++seq}-${randomUUID()}`, type: 'click', item, session, ts: Date.now() })
    }
  }
  return events
}

/** Posts a batch until it gets a 202, waiting as `Retry-After` says or while the server is down; returns the attempts made. */
export async function postUntilAccepted(url: string, events: Event[]): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await fetch(`${url}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ site: 'demo', events }),
      })
      if (res.status === 202) return attempt
      expect([429, 503]).toContain(res.status)
      await new Promise((r) => setTimeout(r, Number(res.headers.get('retry-after') ?? 1) * 1000))
    } catch (error) {
      if (attempt > 60) throw error
      await new Promise((r) => setTimeout(r, 500))
    }
  }
}

/** The rows an offline build over `events` gives, for every item of `ITEMS`. */
export function offlineRows(events: Event[]): Record<string, ModelRow> {
  const model = new Model({}, { trackChanges: false })
  for (const e of events) model.observe('demo', e, e.ts)
  const rows = dict<ModelRow>()
  for (const item of ITEMS) {
    const row = model.counts.rowOf('demo', item)
    if (row) rows[item] = row
  }
  return rows
}

/** The rows (with `related`) of every item of `ITEMS` that the server at `url` serves. */
export async function servedRows(url: string): Promise<Record<string, ModelRow>> {
  const res = await fetch(`${url}/v1/rows?site=demo&include=related&items=${ITEMS.join(',')}`)
  return ((await res.json()) as RowsAnswer).rows
}
