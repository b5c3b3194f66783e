import { click } from '../testing'
import { DigestReader, type Digest } from './digest'
import { execute, type Timing } from './execute'
import type { FuzzCase, GeneratorContext } from './fuzz-case'
import { judge, type Failure } from './oracle'
import { Prng } from './prng'
import { SURFACES } from './surfaces'
import { startTarget, type Target } from './target'

/** Options of a fuzz run. */
export interface FuzzOptions {
  cases: number
  seed: number
  /** Cases in flight at once; the digest is checked after each such window. */
  concurrency?: number
  /** Stop once this much time has passed (the report says how many cases ran). */
  maxMs?: number
  timing?: Timing
  /** Called after each window with the cases done so far. */
  onProgress?: (done: number) => void
}

/** One failing case, with what reproduces it. */
export interface FuzzFailure {
  failure: Failure
  surface: string
  label: string
  detail: string
  seed: number
  index: number
}

/** What a run found, per surface and in total. */
export interface FuzzReport {
  seed: number
  cases: number
  perSurface: Record<string, number>
  counts: Record<Failure, number>
  failures: FuzzFailure[]
  peakRssBytes: number
  startRssBytes: number
  durationMs: number
}

const WATCHED = 'demo'
const FUZZ_SITE = 'fuzz'

function pickSurface(random: Prng) {
  const total = SURFACES.reduce((sum, s) => sum + s.weight, 0)
  let roll = random.next() * total
  for (const surface of SURFACES) if ((roll -= surface.weight) < 0) return surface
  return SURFACES[0]!
}

/** Seeds the watched site with old events (rows, not trending's recent minutes) so the digest has content. */
async function seedWatched(target: Target): Promise<void> {
  const ts = Date.now() - 86_400_000
  const items = ['P1', 'P7', '__proto__', 'constructor', 'toString', 'P1', 'toJSON', 'P7']
  const events = items.map((item, i) => ({ ...click(`seed-${i}`, item), session: 'seed', ts: ts + i }))
  const response = await fetch(`http://127.0.0.1:${target.port}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ site: WATCHED, events }),
  })
  if (response.status !== 202) throw new Error(`seeding the watched site failed: ${response.status}`)
}

/** Waits until two digests a moment apart agree (the processor has caught up). */
async function settled(reader: DigestReader): Promise<Digest> {
  let last = await reader.read()
  for (let i = 0; i < 100; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50))
    const next = await reader.read()
    if (JSON.stringify(next) === JSON.stringify(last) && next.rows.includes('"P1"')) return next
    last = next
  }
  return last
}

/**
 * Runs `cases` generated cases against a fresh server process and judges each: the seed makes the
 * run repeatable (`seed` + the case index name a failing case).
 */
export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const { cases, seed, concurrency = 8, maxMs = Number.POSITIVE_INFINITY, timing = { answerMs: 10_000, quietMs: 300 } } = options
  const started = performance.now()
  const target = await startTarget(`${WATCHED},${FUZZ_SITE}`)
  const report: FuzzReport = {
    seed,
    cases: 0,
    perSurface: Object.fromEntries(SURFACES.map((s) => [s.name, 0])),
    counts: { crash: 0, '5xx': 0, 'non-JSON error': 0, hang: 0, 'state change': 0, 'accepted invalid': 0, 'refused valid': 0, 'bad frame': 0 },
    failures: [],
    peakRssBytes: 0,
    startRssBytes: 0,
    durationMs: 0,
  }
  const fail = (failure: Failure, surface: string, label: string, detail: string, index: number) => {
    report.counts[failure]++
    if (report.failures.length < 50) report.failures.push({ failure, surface, label, detail, seed, index })
  }
  let reader: DigestReader | undefined
  try {
    await seedWatched(target)
    reader = new DigestReader(target.port, target.dataDir, WATCHED, target.adminSecret)
    let expected = await settled(reader)
    report.startRssBytes = target.rss()
    const random = new Prng(seed)
    const context = (): GeneratorContext => ({ watchedSite: WATCHED, fuzzSite: FUZZ_SITE, adminSecret: target.adminSecret, now: Date.now() })
    for (let index = 0; index < cases && performance.now() - started < maxMs; ) {
      const window: Array<{ c: FuzzCase; index: number }> = []
      for (; window.length < concurrency && index < cases; index++) {
        const surface = pickSurface(random)
        window.push({ c: surface.generate(random, context()), index })
        report.perSurface[surface.name]!++
      }
      const verdicts = await Promise.all(window.map(({ c }) => execute(target.port, c, timing).then((outcome) => judge(c, outcome))))
      let accepted = 0
      verdicts.forEach((verdict, i) => {
        const { c, index: at } = window[i]!
        accepted += verdict.accepted
        if (verdict.failure) fail(verdict.failure, c.surface, c.label, verdict.detail ?? '', at)
      })
      report.cases += window.length
      if (target.exit) {
        fail('crash', window[0]!.c.surface, window.map((w) => w.c.label).join(' | '), JSON.stringify(target.exit), window[0]!.index)
        break
      }
      for (const line of target.unexpected.splice(0)) fail('5xx', 'log', 'unexpected error logged', line, window[0]!.index)
      expected = { ...expected, eventsIn: expected.eventsIn + accepted, logLength: expected.logLength + accepted }
      const digest = await reader.read()
      const changed = (Object.keys(expected) as Array<keyof Digest>).filter((key) => digest[key] !== expected[key])
      if (changed.length > 0) {
        const labels = window.map((w) => `${w.c.surface}#${w.index}: ${w.c.label}`).join(' | ')
        fail('state change', 'digest', labels, `${changed.join(', ')}: ${changed.map((k) => `${String(expected[k]).slice(0, 80)} → ${String(digest[k]).slice(0, 80)}`).join('; ')}`, window[0]!.index)
        expected = digest
      }
      report.peakRssBytes = Math.max(report.peakRssBytes, target.rss())
      options.onProgress?.(report.cases)
    }
  } finally {
    reader?.close()
    await target.stop()
    report.durationMs = performance.now() - started
  }
  return report
}

/** The report's failures in total. */
export function failuresOf(report: FuzzReport): number {
  return Object.values(report.counts).reduce((sum, n) => sum + n, 0)
}
