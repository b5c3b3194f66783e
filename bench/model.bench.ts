/**
 * The model's own budgets, in Node: how fast the processor's in-memory model update runs over events
 * already in memory, how much memory the transition store takes per kept edge, and the msgpack size of
 * the rows a 10-item session holds on the device, and what a site's daily self-validation costs at a
 * million events a day. Built from YOOCHOOSE 1/64 when ../shared/data is
 * present, else from synthetic sessions. Run with --expose-gc (npm run bench does).
 */
import type { ModelRow } from '@sequitur/sdk/protocol'
import { contextOf, HUBS, hubsOf, rank } from '@sequitur/sdk/model'
import { pack } from 'msgpackr'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { buildModel } from '../server/src/history/offline-model'
import { readSessionLines, type Session } from '../server/src/history/sessions'
import { Model, type Increments, type Kind } from '../server/src/model'
import { RowCounts } from '../server/src/model/row-counts'
import { ValidationGather, type GatherResult } from '../server/src/kafka/validation-gather'
import { chunked, decodePart, encodePart } from '../server/src/kafka/validation-parts'
import { link, SessionLinks } from '../server/src/model/session-links'
import { sessionDrawer } from './sessions.mts'
import { median, quick, report, round } from './suite.mts'

const root = join(import.meta.dirname, '..')
const yoochoose = join(root, '../shared/data/yoochoose-1-64/train.txt')

/**
 * Without the real data (a clone elsewhere), 100,000 sessions of 5 clicks (every tenth of 15) over
 * 20,000 items, drawn as the load generator draws them: the repository's own sample is too small to
 * measure memory per edge (fixed costs dominate a few thousand edges).
 */
function synthetic(): Session[] {
  const draw = sessionDrawer(20_000)
  return Array.from({ length: 100_000 }, (_, s) => ({ id: `s${s}`, items: draw(s % 10 === 0 ? 15 : 5) }))
}
const real = existsSync(yoochoose)
const sessions: Session[] = real ? readSessionLines(yoochoose) : synthetic()
const dataset = real ? 'YOOCHOOSE 1/64 train' : 'synthetic sessions (../shared/data absent)'
const options = { windowDays: 60, topK: 20, relatedK: 50 }
const runs = quick ? 3 : 7
const gc = (globalThis as { gc?: () => void }).gc
if (!gc) throw new Error('run with node --expose-gc')

// The rows the model serves for these sessions (the processor's aggregation, as the server derives them).
const model = buildModel(sessions, options)

// 0. The device's scorer, first: `rank` (both channels, with its reasons) of 100 and
// 500 candidates for those sessions, with their rows in a Map as the worker holds them: half the
// candidates named by the rows, half drawn from the catalogue. In Node, without the page → worker trip.
// It runs before the processor's sections fill this process's heap with millions of objects (a
// worker's heap holds a session's rows, not those): their collection would be timed as rank's. The
// calls' inputs are built first, so that only `rank`'s own garbage is collected while it is timed.
const catalogue = [...new Set(sessions.slice(0, 20_000).flatMap((s) => s.items))]
function rankTimes(count: number, hop = 0): number[] {
  const cases = sessions
    .map((s) => contextOf(s.items, 10))
    .filter((t) => t.length === 10)
    .slice(0, 300)
    .map((trail, n) => {
      const rows = new Map<string, ModelRow>()
      // With the second hop, the worker also holds the rows of the last item's hubs.
      for (const item of [...trail, ...(hop > 0 ? hubsOf(model.row(trail.at(-1)!)) : [])]) {
        const row = model.row(item)
        if (row) rows.set(item, row)
      }
      const named = [...new Set([...rows.values()].flatMap((r) => r.related?.items.map(([c]) => c) ?? []))].slice(0, count / 2)
      const candidates = [...named, ...catalogue.slice((n * 37) % 10_000, (n * 37) % 10_000 + count - named.length)]
      return { trail, lookup: (item: string) => rows.get(item), candidates }
    })
  const times: number[] = []
  gc!()
  // 10 timed rounds: a p99 of 3,000 calls (the 30th slowest), not of 600 (the 6th, which one pause moves).
  for (let round = 0; round < 11; round++) {
    for (const { trail, lookup, candidates } of cases) {
      const start = performance.now()
      rank(trail, lookup, candidates, { hop })
      if (round > 0) times.push(performance.now() - start)
    }
  }
  return times.sort((a, b) => a - b)
}
const pct = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
const rank100 = rankTimes(100)
const rank500 = rankTimes(500)
const rank100Hop = rankTimes(100, 0.2)
const rank500Hop = rankTimes(500, 0.2)

// 1. The model update: every interaction through the model core (both stages: sessions, links,
// daily counts). Views, as before the core: clicks also feed trending (measured apart).
const views = sessions.map((s) => s.items.map((item, i) => ({ id: `${s.id}:${i}`, type: 'view' as const, session: s.id, item, ts: 0 }))).flat()
const clicks = views.map((v) => ({ ...v, type: 'click' as const }))
const BATCH = 2000
function update(events: typeof views | typeof clicks, withRows: boolean): number {
  const model = new Model(options, { trackChanges: false })
  const start = performance.now()
  for (let i = 0; i < events.length; i++) {
    model.observe('bench', events[i]!, 0)
    if (withRows && (i % BATCH === BATCH - 1 || i === events.length - 1)) for (const item of model.counts.drainRows().get('bench')?.keys() ?? []) model.counts.rowOf('bench', item)
  }
  return events.length / ((performance.now() - start) / 1000)
}
update(views, false) // warm-up
const updateRates = Array.from({ length: runs }, () => update(views, false))
const withRowRates = Array.from({ length: runs }, () => update(views, true))
const withTrendingRates = Array.from({ length: runs }, () => update(clicks, false))

// 2. Memory per kept edge: the increments are computed first, then only the store is measured.
const links = new SessionLinks()
const increments: Array<{ kind: Kind; src: string; dst: string; day: number; n: number }> = []
let src = ''
const collect: Increments = { clock() {}, site() {}, take() {}, profile() {}, row: (_site, row) => void (src = row), cell: (kind, dst, day, n) => void increments.push({ kind, src, dst, day, n }) }
for (const { session, item, ts } of clicks) link(links.step(session, item, ts), item, 'bench', ts, 0, collect)
async function settle(): Promise<void> {
  // Array buffers of collected objects are freed after the collection: give that time.
  for (let i = 0; i < 3; i++) {
    gc!()
    await new Promise((r) => setTimeout(r, 50))
  }
}
async function storeBytes(): Promise<{ bytes: number; edges: number }> {
  // Typed arrays keep their bytes outside the V8 heap: count both.
  const used = () => {
    const m = process.memoryUsage()
    return m.heapUsed + m.arrayBuffers
  }
  await settle()
  const before = used()
  const counts = new RowCounts(options)
  counts.advance(0)
  for (const i of increments) counts.add(i.kind, i.src, i.dst, i.day, i.n)
  await settle()
  const bytes = used() - before
  const edges = counts.edges()
  if (edges === 0) throw new Error('no edges')
  return { bytes, edges: counts.edges() }
}
const stores: Array<{ bytes: number; edges: number }> = []
for (let i = 0; i < (quick ? 2 : 3); i++) stores.push(await storeBytes())
const bytesPerEdge = median(stores.map((s) => s.bytes / s.edges))

// 3. The slice a 10-item session holds: the rows of its items, as the stream sends them.
const slices = sessions
  .map((s) => contextOf(s.items, 10))
  .filter((t) => t.length === 10)
  .slice(0, 500)
  .map((trail) => {
    const rows: Record<string, ModelRow> = {}
    // Its items' rows, and those of the hubs of its last item (trail[0]: `contextOf` lists the most recent first) for the second hop.
    for (const item of [...trail, ...hubsOf(model.row(trail[0]!))]) {
      const row = model.row(item)
      if (row) rows[item] = row
    }
    return pack(rows).length
  })


// 4. The self-validation of a site of a million events a day: two days of synthetic sessions (5 views
// each, 200,000 sessions a day over 50,000 items), then the validation of the second day against the
// rows before it, as the processor runs it when the third day begins (its sample bounds the cost).
const DAY_MS = 86_400_000
const EVENTS_PER_DAY = 1_000_000
const big = new Model(options, { trackChanges: false, validation: {} })
const drawBig = sessionDrawer(50_000, 7)
for (let d = 1; d <= 2; d++) {
  for (let s = 0; s * 5 < EVENTS_PER_DAY; s++) {
    drawBig(5).forEach((item, i) => {
      const ts = d * DAY_MS + s * 400 + i * 50
      big.observe('big', { id: '', type: 'view', session: `d${d}s${s}`, item, ts }, ts)
    })
  }
}
big.observe('big', { id: '', type: 'view', session: 'next', item: 'x', ts: 3 * DAY_MS }, 3 * DAY_MS)
const validations = Array.from({ length: quick ? 1 : 3 }, () => {
  const start = performance.now()
  const v = big.validate('big')!
  return { ms: performance.now() - start, v }
})
const validation = validations[0]!.v
const validateMs = median(validations.map((x) => x.ms))

/*
 * The same validation as Kafka mode runs it, without the broker: stage 2's answer (the rows before
 * the day of the sample's items, `rowsBefore` as the count task reads it, packed into parts), stage
 * 1's sessions parts, and the validator putting them together and scoring (`ValidationGather`).
 */
const kafkaRuns = Array.from({ length: quick ? 1 : 3 }, () => {
  const start = performance.now()
  const latest = big.sessions.latestSample('big')!
  const id = { site: 'big', from: 0, offset: 1, k: 0 }
  const before = big.counts.rowsBefore('big', latest.day)
  const rows: Array<[string, ModelRow]> = []
  for (const item of new Set(latest.sessions.flat())) {
    const row = before(item)
    if (row) rows.push([item, row])
  }
  const rowParts = chunked(rows)
  const sessionParts = chunked(latest.sessions)
  const values = [
    ...sessionParts.map((sessions, chunk) => encodePart({ kind: 'sessions', ...id, day: latest.day, partitions: 1, chunk, chunks: sessionParts.length, sessions })),
    ...rowParts.map((rows, chunk) => encodePart({ kind: 'rows', ...id, partition: 0, request: 0, requests: 1, chunk, chunks: rowParts.length, rows })),
  ]
  const parts = performance.now()
  const gather = new ValidationGather()
  const add = (values: Buffer[]): GatherResult | undefined => {
    let done: GatherResult | undefined
    for (const value of values) done = gather.add(decodePart(value), 0) ?? done
    return done
  }
  const asked = add(values)
  // The second round: the hubs' rows, as stage 2 answers them (one partition here).
  if (!asked || !('ask' in asked)) throw new Error('the first round did not ask for the second')
  const hubs: Array<[string, ModelRow]> = []
  for (const { request } of asked.ask) {
    for (const item of request.items) {
      const row = before(item)
      if (row) hubs.push([item, row])
    }
  }
  const hubParts = chunked(hubs)
  const answers = hubParts.map((rows, chunk) => encodePart({ kind: 'hubs', ...id, partition: 0, request: 0, requests: 1, chunk, chunks: hubParts.length, rows }))
  values.push(...answers)
  const done = add(answers)
  if (!done || !('run' in done)) throw new Error('the second round did not complete the validation')
  const v = done.run()!
  return { ms: performance.now() - start, partsMs: parts - start, bytes: values.reduce((n, b) => n + b.length, 0), records: values.length, rows: rows.length + hubs.length, v }
})
const kafkaRun = kafkaRuns[0]!
if (kafkaRun.v.mrr !== validation.mrr || kafkaRun.v.cases !== validation.cases) throw new Error('the Kafka path validated differently')

report(
  'model',
  [
    `Data: ${dataset}, ${sessions.length} sessions, ${clicks.length} clicks, window ${options.windowDays} days, top ${options.topK} next / 50 related.`,
    `Model update: all clicks through the model core's two stages (Model.observe: sessions, next + related links, daily counts) in memory, ${runs} runs after 1 warm-up, median;`,
    `"with rows" also derives the row of every item changed, per ${BATCH} events (what the processor publishes); "with trending": the same as clicks, which also feed trending (recent clicks per minute).`,
    `Memory: V8 heap + array buffers after gc, before and after adding every increment (${increments.length}) to an empty store; edges = distinct (item, next item) pairs of both statistics (${stores[0]!.edges}); median of ${stores.length}.`,
    `Runs: update ${updateRates.map(Math.round).join(', ')}; with rows ${withRowRates.map(Math.round).join(', ')}; with trending ${withTrendingRates.map(Math.round).join(', ')} events/s; store ${stores.map((x) => (x.bytes / x.edges).toFixed(1)).join(', ')} bytes/edge.`,
    `Slice: msgpack bytes of the rows (next + related) of ${slices.length} sessions of 10 distinct items and of their last item's ${HUBS} hubs (what a site with the second hop holds); the largest is reported.`,
    `rank() in Node over those sessions' rows (half the candidates named by them): 100 candidates p50 ${pct(rank100, 0.5).toFixed(3)} ms, p99 ${pct(rank100, 0.99).toFixed(3)} ms; 500: p50 ${pct(rank500, 0.5).toFixed(3)} ms, p99 ${pct(rank500, 0.99).toFixed(3)} ms (${rank100.length} calls each).`,
    `With the second hop (weight 0.2, the hubs' rows held too): 100 candidates p50 ${pct(rank100Hop, 0.5).toFixed(3)} ms, p99 ${pct(rank100Hop, 0.99).toFixed(3)} ms; 500: p50 ${pct(rank500Hop, 0.5).toFixed(3)} ms, p99 ${pct(rank500Hop, 0.99).toFixed(3)} ms.`,
    `Self-validation of a site of ${EVENTS_PER_DAY} events a day: ${validation.sessions} of ${validation.daySessions} sessions sampled, ${validation.cases} cases, ` +
      `median of ${validations.length}: ${validations.map((x) => Math.round(x.ms)).join(', ')} ms (chose ${JSON.stringify(validation.params)}).`,
    `The same in Kafka mode's parts, without the broker: ${kafkaRun.rows} rows and the sessions in ${kafkaRun.records} records of ${Math.round(kafkaRun.bytes / 1024)} KB ` +
      `(made in ${kafkaRuns.map((x) => Math.round(x.partsMs)).join(', ')} ms), put together and scored: ${kafkaRuns.map((x) => Math.round(x.ms)).join(', ')} ms.`,
  ].join('\n'),
  {
    processor_events_per_s: Math.round(median(updateRates)),
    processor_with_rows_events_per_s: Math.round(median(withRowRates)),
    processor_with_trending_events_per_s: Math.round(median(withTrendingRates)),
    server_bytes_per_edge: round(bytesPerEdge, 1),
    slice_bytes_per_session: Math.max(...slices),
    slice_bytes_per_session_p50: median(slices),
    rank_p99_ms_100: round(pct(rank100, 0.99), 3),
    rank_p99_ms_500: round(pct(rank500, 0.99), 3),
    rank_p99_ms_100_hop: round(pct(rank100Hop, 0.99), 3),
    rank_p99_ms_500_hop: round(pct(rank500Hop, 0.99), 3),
    validate_1m_events_day_ms: Math.round(validateMs),
    validate_1m_events_day_kafka_ms: Math.round(median(kafkaRuns.map((x) => x.ms))),
    validation_parts_bytes_1m_events_day: kafkaRun.bytes,
  },
)
