import type { Event, ModelRow } from '@sequitur/sdk/protocol'
import { describe, expect, it } from 'vitest'
import { DAY_MS } from '../clock'
import { decodeEntry, Model, modelOptions, restoreEntries } from '../model'
import { CountTask } from './count-task'
import { encodeEvents, encodeSiteChange } from './event-records'
import { SessionTask } from './session-task'
import { latestState, type ChangelogRecord, type InputRecord, type OutputRecord, type StageTask } from './stage'

const T = 500 * DAY_MS
const model = modelOptions()
const PARTITIONS = 2
const partitionOf = (_site: string, key: string) => key.length % PARTITIONS

let n = 0
const click = (session: string, item: string, ts = T): Event => ({ id: `e${++n}`, type: 'click', item, session, ts })
let offset = 0
/** Input records at ever-growing offsets, as a partition delivers them, received at `T`. */
const input = (values: Buffer[]): InputRecord[] => values.map((value) => ({ offset: offset++, value, timestamp: T }))
const sessionTask = () => new SessionTask(model, { incrementsTopic: 'inc', partitions: PARTITIONS, partition: 0, partitionOf })
const countTasks = () => Array.from({ length: PARTITIONS }, () => new CountTask(model, { rowsTopic: 'rows', profilesTopic: 'profiles', trendingTopic: 'trending' }))

/** Routes a stage's outputs to the stage-two tasks by partition, keeping the rows they emit. */
function countAll(tasks: CountTask[], outputs: OutputRecord[], rows: Map<string, ModelRow | null>, logs?: ChangelogRecord[][]): void {
  tasks.forEach((task, p) => {
    const result = task.process(input(outputs.filter((o) => o.partition === p).map((o) => o.value!)))
    logs?.[p]!.push(...result.changelog)
    for (const o of result.outputs) {
      const entry = decodeEntry(o.key, o.value)
      if (entry.kind === 'row') rows.set(entry.item, entry.row)
    }
  })
}

/** Runs events through both stages the way the runtime does (one batch each), keeping their changelogs. */
function pipeline(sessions = sessionTask(), counts = countTasks()) {
  const rows = new Map<string, ModelRow | null>()
  const logs = { s: [] as ChangelogRecord[], c: counts.map(() => [] as ChangelogRecord[]) }
  const run = (events: Event[]) => {
    const first = sessions.process(input([encodeEvents(events.map((e) => ['demo', e] as const))]))
    logs.s.push(...first.changelog)
    countAll(counts, first.outputs, rows, logs.c)
  }
  return { run, rows, logs, sessions, counts }
}

/** A fresh task restored from a changelog, as a new owner of the partition does (`latestState`). */
function restoreInto<T extends StageTask>(task: T, log: ChangelogRecord[]): T {
  restoreEntries(latestState(log), task)
  return task
}

describe('the Kafka tasks', () => {
  const events = [
    ...['A', 'B', 'C', 'A', 'B'].map((i) => click('s1', i)),
    ...['B', 'C', 'C', 'D'].map((i) => click('s2', i)),
    ...['A', 'B'].map((i) => click('s3', i)),
  ]

  it("take a site's settings and its removal in order with its events, on every stage-2 partition", () => {
    const p = pipeline()
    p.run(events)
    expect(p.rows.get('A')).toMatchObject({ total: 3 })
    const change = (settings: { windowDays: number; topK: number } | null) => {
      const first = p.sessions.process(input([encodeSiteChange({ site: 'demo', settings })]))
      p.logs.s.push(...first.changelog)
      countAll(p.counts, first.outputs, p.rows, p.logs.c)
    }
    change({ windowDays: 60, topK: 1 })
    expect(p.rows.get('B')!.next).toHaveLength(1)
    change(null)
    expect([...p.rows.values()].every((row) => row === null)).toBe(true)
    // Nothing of the site is left in any changelog once compacted.
    const left = [p.logs.s, ...p.logs.c].flatMap((log) => latestState(log).map(({ key, value }) => decodeEntry(key, value)))
    expect(left.filter((e) => 'site' in e && e.site === 'demo')).toEqual([])
    p.run([click('late', 'A'), click('late', 'B')])
    expect(p.rows.get('A')).toBeNull()
  })

  it('give the rows of the model core run in one place', () => {
    const p = pipeline()
    p.run(events)
    const m = new Model(model)
    for (const e of events) m.observe('demo', e, T)
    for (const item of ['A', 'B', 'C', 'D']) expect(p.rows.get(item)).toEqual(m.counts.rowOf('demo', item))
  })

  it('drop a repeated event id, in a later batch and after its session ended', () => {
    const p = pipeline()
    p.run(events.slice(0, 3))
    p.run([click('later', 'X', T + 2 * DAY_MS)]) // s1 is over
    p.run([events[2]!, events[1]!])
    const once = pipeline()
    once.run([...events.slice(0, 3), click('later', 'X', T + 2 * DAY_MS)])
    for (const item of ['A', 'B', 'C']) expect(p.rows.get(item)).toEqual(once.rows.get(item))
  })

  it('restore from their changelogs and go on as if nothing happened', () => {
    const whole = pipeline()
    whole.run(events)
    const split = pipeline()
    split.run(events.slice(0, 6))
    const resumed = pipeline(
      restoreInto(sessionTask(), split.logs.s),
      countTasks().map((t, p) => restoreInto(t, split.logs.c[p]!)),
    )
    resumed.run([...events.slice(6), events[0]!])
    for (const item of ['A', 'B', 'C', 'D']) expect(resumed.rows.get(item) ?? split.rows.get(item)).toEqual(whole.rows.get(item))
  })

  it('restore a cell, a session and a profile written in several transactions, and a session deleted since, to their last state', () => {
    const p = pipeline()
    p.run([click('s', 'A'), click('s', 'B')])
    p.run([click('t', 'A'), click('t', 'B')])
    p.run([click('u', 'A', T + 2 * DAY_MS)]) // ends s and t
    const again = pipeline(restoreInto(sessionTask(), p.logs.s), countTasks().map((t, i) => restoreInto(t, p.logs.c[i]!)))
    again.run([click('u', 'B', T + 2 * DAY_MS), click('s', 'C', T + 2 * DAY_MS)])
    const once = pipeline()
    for (const batch of [[click('s', 'A'), click('s', 'B')], [click('t', 'A'), click('t', 'B')], [click('u', 'A', T + 2 * DAY_MS)], [click('u', 'B', T + 2 * DAY_MS), click('s', 'C', T + 2 * DAY_MS)]]) once.run(batch)
    for (const item of ['A', 'B', 'C']) expect(again.rows.get(item) ?? p.rows.get(item)).toEqual(once.rows.get(item))
    expect(again.rows.get('A')).toMatchObject({ total: 3, next: [['B', 3]] })
  })

  it('skip increments delivered twice (a producer retry), and count each event once when an old and a new owner both processed it', () => {
    const records = input([encodeEvents(events.map((e) => ['demo', e] as const))])
    const once = pipeline()
    once.run(events)
    for (const order of ['old first', 'new first']) {
      const old = sessionTask().process(records).outputs
      const fresh = sessionTask().process(records).outputs
      const rows = new Map<string, ModelRow | null>()
      countAll(countTasks(), order === 'old first' ? [...old, ...fresh, ...old] : [...fresh, ...old], rows)
      for (const item of ['A', 'B', 'C', 'D']) expect([order, rows.get(item)]).toEqual([order, once.rows.get(item)])
    }
  })

  it('empty a row whose days leave the window, on every partition, with records there or not', () => {
    const early = new SessionTask(model, { incrementsTopic: 'inc', partitions: PARTITIONS, partition: 0, partitionOf })
    const counts = countTasks()
    const rows = new Map<string, ModelRow | null>()
    const at = (events: Event[], timestamp: number) => early.process([{ offset: offset++, value: encodeEvents(events.map((e) => ['demo', e] as const)), timestamp }])
    countAll(counts, at([click('s', 'A', T), click('s', 'B', T)], T).outputs, rows)
    expect(rows.get('A')).toMatchObject({ total: 1 })
    // Sixty days on, one click of another session, whose one row lands on one partition: A's row
    // still empties, wherever it lives.
    countAll(counts, at([click('t', 'XY', T + 60 * DAY_MS)], T + 60 * DAY_MS).outputs, rows)
    expect(rows.get('A')).toBeNull()
  })
})
