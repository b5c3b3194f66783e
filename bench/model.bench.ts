/**
 * The browser budgets of the shipped model: scoring time of `rank()` for 100 and 500 candidates with a
 * session's rows cached, and the msgpack size of the rows a 10-item session holds. Built from
 * YOOCHOOSE 1/64 when ../shared/data is present, else from the rsc15 sample in the repository.
 * Prints a table and writes bench/model.json.
 */
import { candidatesOf, contextOf, rank } from '@sequitur/sdk/model'
import type { ModelRow } from '@sequitur/sdk/protocol'
import { pack } from 'msgpackr'
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { buildModel } from '../server/src/history/offline-model'
import { readClickLog, readSessionLines, type Session } from '../server/src/history/sessions'

const root = join(import.meta.dirname, '..')
const yoochoose = join(root, '../shared/data/yoochoose-1-64/train.txt')
const sessions: Session[] = existsSync(yoochoose)
  ? readSessionLines(yoochoose)
  : readClickLog(join(root, 'server/fixtures/rsc15-sample/train.tsv')).sessions
const dataset = existsSync(yoochoose) ? 'yoochoose-1-64/train.txt' : 'fixtures/rsc15-sample'
const model = buildModel(sessions, { windowDays: 60, topK: 20 })
const catalogue = [...new Set(sessions.flatMap((s) => s.items))]

// Sessions of 10 distinct items, made of the longest real sessions' items.
const trails = sessions
  .map((s) => contextOf(s.items, 10).reverse())
  .filter((t) => t.length === 10)
  .slice(0, 500)

const slices = trails.map((trail) => {
  const rows: Record<string, ModelRow> = {}
  for (const item of trail) {
    const row = model.row(item)
    if (row) rows[item] = row
  }
  return pack(rows).length
})

function timeRank(size: number): { p50: number; p99: number } {
  const samples: number[] = []
  for (const trail of trails) {
    const rows = new Map(trail.map((item) => [item, model.row(item)]))
    const lookup = (item: string) => rows.get(item)
    const candidates = candidatesOf(trail, lookup).slice(0, size)
    for (let i = 0; candidates.length < size; i++) candidates.push(catalogue[(i * 7919) % catalogue.length]!)
    for (let i = 0; i < 5; i++) rank(trail, lookup, candidates) // warm-up
    const runs = 50
    const start = performance.now()
    for (let i = 0; i < runs; i++) rank(trail, lookup, candidates)
    samples.push((performance.now() - start) / runs)
  }
  samples.sort((a, b) => a - b)
  return { p50: samples[Math.floor(samples.length / 2)]!, p99: samples[Math.floor(samples.length * 0.99)]! }
}

const sorted = [...slices].sort((a, b) => a - b)
const r100 = timeRank(100)
const r500 = timeRank(500)
const results = {
  rank_p50_ms_100: r100.p50,
  rank_p99_ms_100: r100.p99,
  rank_p50_ms_500: r500.p50,
  rank_p99_ms_500: r500.p99,
  slice_bytes_p50: sorted[Math.floor(sorted.length / 2)]!,
  slice_bytes_max: sorted[sorted.length - 1]!,
}
console.log(`model budgets: rows from ${dataset}; ${trails.length} sessions of 10 distinct items; rank() timed over 50 runs per session after 5 warm-up runs, in Node (the same module the worker runs)\n`)
console.log('| measure | value | budget |\n|---|---:|---:|')
console.log(`| rank() 100 candidates, p50 / p99 | ${r100.p50.toFixed(4)} / ${r100.p99.toFixed(4)} ms | well under 1 ms |`)
console.log(`| rank() 500 candidates, p50 / p99 | ${r500.p50.toFixed(4)} / ${r500.p99.toFixed(4)} ms | |`)
console.log(`| session slice (msgpack), p50 / max | ${results.slice_bytes_p50} / ${results.slice_bytes_max} bytes | 50,000 bytes |`)
writeFileSync(join(import.meta.dirname, 'model.json'), `${JSON.stringify(results, null, 2)}\n`)
