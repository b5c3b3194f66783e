import type { Event, ModelRow } from '@sequitur/sdk/protocol'
import { pack, unpack } from 'msgpackr'
import { describe, expect, it } from 'vitest'
import { DAY_MS } from '../clock'
import { SiteModel } from '../processor/site-model'
import { AggregatorTask } from './aggregator'
import { SessionizerTask } from './sessionizer'
import type { ChangelogRecord, InputRecord, StageTask } from './stage'

const T = 500 * DAY_MS
const options = { windowDays: 60, topK: 20 }
const clock = () => T + DAY_MS

let n = 0
const click = (session: string, item: string, ts = T): Event => ({ id: `e${++n}`, type: 'click', item, session, ts })
let offset = 0
/** Input records at ever-growing offsets, as a partition delivers them. */
const input = (values: Buffer[]): InputRecord[] => values.map((value) => ({ offset: offset++, value }))

/** Runs events through both stages the way the runtime does (one batch each), keeping their changelogs. */
function pipeline(sessionizer = new SessionizerTask('inc', clock), aggregator = new AggregatorTask('rows', options)) {
  const rows = new Map<string, ModelRow | null>()
  const logs: { s: ChangelogRecord[]; a: ChangelogRecord[] } = { s: [], a: [] }
  const run = (events: Event[]) => {
    const first = sessionizer.process(input(events.map((event) => pack({ site: 'demo', event }))))
    logs.s.push(...first.changelog)
    const second = aggregator.process(input(first.outputs.map((o) => o.value!)))
    logs.a.push(...second.changelog)
    for (const o of second.outputs) if (o.topic === 'rows') rows.set(o.key.split('\0')[1]!, o.value ? (unpack(o.value) as ModelRow) : null)
  }
  return { run, rows, logs, sessionizer, aggregator }
}

/** A fresh task restored from a changelog, as a new owner of the partition would. */
function restoreInto<T extends StageTask>(task: T, log: ChangelogRecord[]): T {
  for (const r of log) task.restore(r.key, r.value)
  task.restored()
  return task
}

describe('the Kafka stages', () => {
  const events = [
    ...['A', 'B', 'C', 'A', 'B'].map((i) => click('s1', i)),
    ...['B', 'C', 'C', 'D'].map((i) => click('s2', i)),
    ...['A', 'B'].map((i) => click('s3', i)),
  ]

  it('give the rows of the one-place model', () => {
    const p = pipeline()
    p.run(events)
    const model = new SiteModel(options)
    for (const e of events) {
      model.advance(500)
      if (e.type !== 'impression') model.observe(e.session, e.item, e.ts, 500)
    }
    for (const item of ['A', 'B', 'C', 'D']) expect(p.rows.get(item)).toEqual(model.row(item))
  })

  it('drop a repeated event id, even in a later batch', () => {
    const p = pipeline()
    p.run(events.slice(0, 3))
    p.run([events[2]!, events[1]!, ...events.slice(3)])
    const once = pipeline()
    once.run(events)
    expect([...p.rows]).toEqual([...once.rows].filter(([k]) => p.rows.has(k)))
    expect(p.rows.get('A')).toEqual(once.rows.get('A'))
  })

  it('restore from their changelogs and go on as if nothing happened', () => {
    const whole = pipeline()
    whole.run(events)
    const split = pipeline()
    split.run(events.slice(0, 6))
    const resumed = pipeline(
      restoreInto(new SessionizerTask('inc', clock), split.logs.s),
      restoreInto(new AggregatorTask('rows', options), split.logs.a),
    )
    resumed.run(events.slice(6))
    for (const item of ['A', 'B', 'C', 'D']) {
      expect(resumed.rows.get(item) ?? split.rows.get(item)).toEqual(whole.rows.get(item))
    }
  })

  it('restore a cell written several times to its last value (before compaction)', () => {
    const p = pipeline()
    p.run([click('s', 'A'), click('s', 'B')])
    p.run([click('t', 'A'), click('t', 'B')])
    const restored = restoreInto(new AggregatorTask('rows', options), p.logs.a)
    const again = pipeline(new SessionizerTask('inc', clock), restored)
    again.run([click('u', 'A'), click('u', 'B')])
    expect(again.rows.get('A')).toMatchObject({ total: 3, next: [['B', 3]] })
  })

  it('skip an increment delivered twice (a producer retry)', () => {
    const sessionizer = new SessionizerTask('inc', clock)
    const aggregator = new AggregatorTask('rows', options)
    const out = sessionizer.process(input([click('s', 'A'), click('s', 'B')].map((event) => pack({ site: 'demo', event }))))
    const values = out.outputs.map((o) => o.value!)
    const first = aggregator.process(input([...values, ...values]))
    const row = unpack(first.outputs.find((o) => o.topic === 'rows' && o.key === 'demo\0A')!.value!) as ModelRow
    expect(row).toMatchObject({ total: 1, next: [['B', 1]] })
    expect(aggregator.process(input(values)).outputs).toEqual([])
  })

  it('count each event once when an old and a new owner both processed it, in overlapping batches', () => {
    const batch = events.map((event) => pack({ site: 'demo', event }))
    const records = input(batch)
    for (const order of ['old first', 'new first']) {
      const old = new SessionizerTask('inc', clock).process(records.slice(0, 7)).outputs
      const fresh = new SessionizerTask('inc', clock).process(records).outputs
      const aggregator = new AggregatorTask('rows', options)
      const rows = new Map<string, ModelRow | null>()
      const both = order === 'old first' ? [...old, ...fresh] : [...fresh, ...old]
      for (const o of aggregator.process(input(both.map((o) => o.value!))).outputs) {
        if (o.topic === 'rows') rows.set(o.key.split('\0')[1]!, o.value ? (unpack(o.value) as ModelRow) : null)
      }
      const once = pipeline()
      once.run(events)
      for (const item of ['A', 'B', 'C', 'D']) expect([order, rows.get(item)]).toEqual([order, once.rows.get(item)])
    }
  })

  it('empty a row whose days leave the window', () => {
    const p = pipeline()
    p.run([click('s', 'A', T - 70 * DAY_MS), click('s', 'B', T - 70 * DAY_MS)])
    expect(p.rows.get('A')).toMatchObject({ total: 1 })
    p.run([click('t', 'X'), click('t', 'Y')])
    expect(p.rows.get('A')).toBeNull()
  })

  it('end a session that only saw impressions once idle, as any other, and forget its event ids', () => {
    const p = pipeline()
    p.run([{ id: 'i1', type: 'impression', items: ['A', 'B'], session: 'browsing', ts: T }])
    expect(p.logs.s.some((r) => r.key === 's\0demo\0browsing' && r.value !== null)).toBe(true)
    // Two days later someone else clicks: the browsing session has been idle for a whole day.
    p.run([click('t', 'X', T + 2 * DAY_MS)])
    expect(p.logs.s).toContainEqual({ key: 's\0demo\0browsing', value: null })
  })

  it('keep the new state of a session whose own event, on a later day, ended it', () => {
    const p = pipeline()
    p.run([click('s', 'A')])
    p.run([click('s', 'B', T + 2 * DAY_MS)])
    const writes = p.logs.s.filter((r) => r.key === 's\0demo\0s')
    expect(writes.at(-1)!.value && (unpack(writes.at(-1)!.value!) as { items: string[] }).items).toEqual(['B'])
  })

  it('delete, with their next batch, the sessions a restore finds over (states of earlier versions)', () => {
    const restored = restoreInto(new SessionizerTask('inc', clock), [
      { key: 's\0demo\0old', value: pack({ items: [], ts: 0, ids: ['x'] }) },
      { key: 'w\0demo', value: pack(Math.floor(T / DAY_MS)) },
    ])
    const p = pipeline(restored)
    p.run([click('u', 'A')])
    expect(p.logs.s).toContainEqual({ key: 's\0demo\0old', value: null })
  })
})
