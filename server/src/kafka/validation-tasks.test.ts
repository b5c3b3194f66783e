import type { Event } from '@sequitur/sdk/protocol'
import { describe, expect, it } from 'vitest'
import { DAY_MS } from '../clock'
import { SCORE_DEFAULTS } from '@sequitur/sdk/model'
import { Model, modelOptions, restoreEntries, VALIDATION_GRID, type SiteValidation, type ValidateOptions } from '../model'
import { CountTask } from './count-task'
import { encodeEvents, encodeSiteChange, encodeValidateCommand } from './event-records'
import { encodeHubs } from './increments-codec'
import { SessionTask } from './session-task'
import { latestState, type ChangelogRecord, type InputRecord, type OutputRecord } from './stage'
import { ValidationGather } from './validation-gather'
import { decodePart } from './validation-parts'

const DAY1 = 20_000 * DAY_MS + 8 * 3_600_000
/** Every batch is received well after its events: their own times stand. */
const RECEIVED = DAY1 + 30 * DAY_MS
const model = modelOptions()
const PARTITIONS = 3
const partitionOf = (_site: string, key: string) => key.charCodeAt(key.length - 1) % PARTITIONS
const PARTS = 'parts'

let n = 0
let offset = 0
const click = (session: string, item: string, ts: number): Event => ({ id: `e${++n}`, type: 'click', item, session, ts })
const record = (value: Buffer): InputRecord => ({ offset: offset++, value, timestamp: RECEIVED })
const sessionTask = () => new SessionTask(model, { incrementsTopic: 'inc', partitions: PARTITIONS, partition: 0, partitionOf, validationPartsTopic: PARTS })
const countTasks = () => Array.from({ length: PARTITIONS }, (_, partition) => new CountTask(model, { partition, validationPartsTopic: PARTS, rowsTopic: 'rows', profilesTopic: 'profiles', trendingTopic: 'trending' }))

/** A day's sessions: trails over a few items, some returning to an item already seen. */
function day(start: number, seed: number, items = ['A', 'B', 'C', 'D', 'E', 'F']): Event[] {
  const out: Event[] = []
  for (let s = 0; s < 30; s++) {
    const trail = [items[(s + seed) % 6]!, items[(s * 2 + seed) % 6]!, items[(s + 1) % 6]!, items[(s * 3 + seed) % 6]!].slice(0, 2 + (s % 3))
    trail.forEach((item, i) => out.push(click(`${seed}-${s}`, item, start + s * 60_000 + i * 1000)))
  }
  return out
}

/**
 * Both stages and the validator as the runtime wires them, in memory, keeping stage 1's changelog.
 * With `late`, the validator's second rounds reach stage 2 only after the next batch of events.
 */
function kafkaMode(sessions = sessionTask(), counts = countTasks(), { late = false, validation = {} as ValidateOptions } = {}) {
  const gather = new ValidationGather({ partitionOf, ...validation })
  const validations = new Map<string, SiteValidation | null>()
  /** Every validation written, in order. */
  const written: Array<SiteValidation | null> = []
  const log: ChangelogRecord[] = []
  let partsOffset = 0
  let asked: Array<{ partition: number; value: Buffer }> = []
  const toValidator = (outputs: OutputRecord[], twice = false) => {
    for (const o of outputs.filter((o) => o.topic === PARTS)) {
      for (let i = 0; i < (twice ? 2 : 1); i++) {
        const done = gather.add(decodePart(o.value!), partsOffset++)
        if (!done) continue
        if ('ask' in done) {
          asked.push(...done.ask.map(({ partition, request }) => ({ partition, value: encodeHubs(request) })))
          if (!late) secondRound(twice)
          continue
        }
        const validation = done.run()
        validations.set(done.site, validation)
        written.push(validation)
      }
    }
  }
  const toStage2 = (records: Array<{ partition?: number; value: Buffer }>, twice: boolean) =>
    counts.forEach((task, p) => toValidator(task.process(records.filter((o) => o.partition === p).map((o) => record(o.value))).outputs, twice))
  const take = () => {
    const now = asked
    asked = []
    return now
  }
  // Asked twice (a validator restarted): answered once.
  const secondRound = (twice = false, now = take()) => toStage2(twice ? [...now, ...now] : now, twice)
  const send = (value: Buffer, twice = false) => {
    const before = take()
    const first = sessions.process([record(value)])
    log.push(...first.changelog)
    toValidator(first.outputs, twice)
    toStage2(first.outputs.map((o) => ({ partition: o.partition, value: o.value! })), twice)
    if (late) secondRound(false, before)
  }
  return { send, events: (events: Event[]) => send(encodeEvents(events.map((e) => ['shop', e] as const))), validations, written, log, gather, counts, secondRound }
}

describe('the validation in Kafka mode', () => {
  const days = [day(DAY1, 0), day(DAY1 + DAY_MS, 1), day(DAY1 + 2 * DAY_MS, 2), [click('z', 'A', DAY1 + 3 * DAY_MS)]]

  it("gives the model core's validation: requests in order with the increments, rows from every partition", () => {
    const embedded = new Model(model, { validation: {} })
    const kafka = kafkaMode()
    const seen: Array<SiteValidation | undefined> = []
    for (const events of days) {
      for (const e of events) embedded.observe('shop', e, RECEIVED)
      kafka.events(events)
      seen.push(kafka.validations.get('shop') ?? undefined)
      expect(kafka.validations.get('shop')).toEqual(embedded.validation('shop'))
    }
    expect(seen.map((v) => v?.day)).toEqual([undefined, 20_000, 20_001, 20_002])
    // The last one learned from what came before its day and scored something.
    expect(seen[3]).toMatchObject({ cases: expect.any(Number), sessions: 30 })
    expect(seen[3]!.hr).toBeGreaterThan(0)
    expect(kafka.gather.firstPending()).toBeUndefined()
  })

  it('answers the second round (the hubs’ rows) from the cells held for it, even after the window moved on', () => {
    // A window of 3 days: the validation of day D reads day D − 1 only, which leaves the window when
    // day D + 2 begins, before this second round comes (a batch late). Each day clicks other items,
    // so the hubs are mostly not items of the day's sample: the second round has rows to bring.
    const short = { ...model, windowDays: 3 }
    const validation: ValidateOptions = { start: { ...SCORE_DEFAULTS, hop: 0.3 }, grid: { ...VALIDATION_GRID, hop: [0.3] } }
    const embedded = new Model(short, { validation })
    const late = kafkaMode(
      new SessionTask(short, { incrementsTopic: 'inc', partitions: PARTITIONS, partition: 0, partitionOf, validationPartsTopic: PARTS }),
      Array.from({ length: PARTITIONS }, (_, partition) => new CountTask(short, { partition, validationPartsTopic: PARTS, rowsTopic: 'rows', profilesTopic: 'profiles', trendingTopic: 'trending' })),
      { late: true, validation },
    )
    const pool = 'ABCDEFGHIJKLMNOP'.split('')
    const shifted = (d: number) => day(DAY1 + d * DAY_MS, d, pool.slice(2 * d, 2 * d + 6))
    const expected: Array<SiteValidation | undefined> = []
    const seen: Array<number | undefined> = []
    for (const events of [shifted(0), shifted(1), shifted(2), shifted(3), shifted(4), [click('z', 'A', DAY1 + 5 * DAY_MS)]]) {
      for (const e of events) embedded.observe('shop', e, RECEIVED)
      if (embedded.validation('shop') !== expected.at(-1)) expected.push(embedded.validation('shop'))
      late.events(events)
      seen.push(late.validations.get('shop')?.day)
    }
    late.secondRound()
    // Each validation came a batch after its request: its second round waited for the next day's events.
    expect(seen).toEqual([undefined, undefined, 20_000, 20_001, 20_002, 20_003])
    expect(late.written).toEqual(expected)
    expect(late.written.map((v) => v?.params.hop)).toEqual([0.3, 0.3, 0.3, 0.3, 0.3])
    expect(late.written.at(-1)!.hr).toBeGreaterThan(0)
    expect(late.gather.firstPending()).toBeUndefined()
  })

  it('keeps the day sample through a restart of stage 1 mid-day (stage 2 going on), and ignores parts delivered twice', () => {
    const whole = kafkaMode()
    for (const events of days) whole.events(events)
    const first = kafkaMode()
    first.events(days[0]!)
    first.events(days[1]!)
    first.events(days[2]!.slice(0, 40))
    const restored = sessionTask()
    restoreEntries(latestState(first.log), restored)
    const second = kafkaMode(restored, first.counts)
    second.events(days[2]!.slice(40))
    second.send(encodeEvents(days[3]!.map((e) => ['shop', e] as const)), true)
    expect(second.validations.get('shop')).toEqual(whole.validations.get('shop'))
    expect(second.validations.get('shop')!.day).toBe(20_002)
  })

  it('validates on demand on the last finished day, and forgets a removed site', () => {
    const kafka = kafkaMode()
    kafka.events(days[0]!)
    kafka.send(encodeValidateCommand({ validate: 'shop' }))
    expect(kafka.validations.get('shop')).toBeUndefined()
    kafka.events(days[1]!)
    kafka.validations.clear()
    kafka.send(encodeValidateCommand({ validate: 'shop' }))
    expect(kafka.validations.get('shop')).toMatchObject({ day: 20_000 })
    kafka.send(encodeSiteChange({ site: 'shop', settings: null }))
    expect(kafka.validations.get('shop')).toBeNull()
  })
})
