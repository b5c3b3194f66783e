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
  /** Cases in flight at once. */
  concurrency?: number
  /** The digest is read after every this many cases (a state change names that range). */
  digestEvery?: number
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
  /** Per surface: how the server answered (`4xx`, `2xx`, `ws` for an upgraded stream, `closed` for a close without an answer). */
  answers: Record<string, Record<string, number>>
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
  const events = items.map((item, i) => ({ id: `seed-${i}`, type: 'click', item, session: 'seed', ts: ts + i }))
  const response = await fetch(`http://127.0.0.1:${target.port}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ site: WATCHED, events }),
  })
  if (response.status !== 202) throw new Error(`seeding the watched site failed: ${response.status}`)
}

/** Where two digests part: 60 characters of each from just before the first that differs. */
function difference(before: string, after: string): string {
  let at = 0
  while (at < before.length && before[at] === after[at]) at++
  const from = Math.max(0, at - 20)
  return `at ${at}: …${before.slice(from, from + 60)} → …${after.slice(from, from + 60)}`
}

/** Waits until the seed's last link is counted and two digests a moment apart agree (the processor has caught up). */
async function settled(reader: DigestReader): Promise<Digest> {
  let last = await reader.read()
  for (let i = 0; i < 100; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50))
    const next = await reader.read()
    // The seed's last link (toJSON → P7) makes the row of toJSON: until it is there, the seed is not
    // all applied, however still the digest looked (a loaded machine can pause the processor longer).
    if (JSON.stringify(next) === JSON.stringify(last) && next.rows.includes('"toJSON":{')) return next
    last = next
  }
  return last
}

/**
 * Runs `cases` generated cases against a fresh server process and judges each: the seed makes the
 * run repeatable (`seed` + the case index name a failing case).
 */
export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const { cases, seed, concurrency = 16, digestEvery = 100, maxMs = Number.POSITIVE_INFINITY, timing = { answerMs: 10_000, quietMs: 200 } } = options
  const started = performance.now()
  const target = await startTarget(`${WATCHED},${FUZZ_SITE}`)
  const report: FuzzReport = {
    seed,
    cases: 0,
    perSurface: Object.fromEntries(SURFACES.map((s) => [s.name, 0])),
    answers: Object.fromEntries(SURFACES.map((s) => [s.name, {}])),
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
    const context = (): GeneratorContext => ({
      watchedSite: WATCHED,
      fuzzSite: FUZZ_SITE,
      adminSecret: target.adminSecret,
      keyedSite: target.keyedSite,
      keyedKey: target.keyedKey,
      operatorToken: target.operatorToken,
      now: Date.now(),
    })
    for (let index = 0; index < cases && performance.now() - started < maxMs && !target.exit; ) {
      // A stretch of cases runs `concurrency` at a time; then the server is quiet and the digest is read.
      const stretch: Array<{ c: FuzzCase; index: number }> = []
      for (; stretch.length < digestEvery && index < cases; index++) {
        const surface = pickSurface(random)
        stretch.push({ c: surface.generate(random, context()), index })
        report.perSurface[surface.name]!++
      }
      let accepted = 0
      let next = 0
      // Cases whose effect is unknown (no answer read): the suspects when the digest moves.
      const unanswered: string[] = []
      // Events a request may have stored although its answer was not seen: one the server may wait on
      // (`mayWait`) is given up on after `quietMs`, and a loaded server can answer a complete one later.
      let unseen = 0
      const worker = async () => {
        while (next < stretch.length && !target.exit) {
          const { c, index: at } = stretch[next++]!
          const outcome = await execute(target.port, c, timing)
          const verdict = judge(c, outcome)
          const status = outcome.frames ? 'ws' : outcome.http.status === undefined ? 'closed' : `${String(outcome.http.status)[0]}xx`
          if (status === 'closed' && c.validity !== 'invalid') unanswered.push(`#${at} ${c.surface}: ${c.label}`)
          if (status === 'closed' && c.kind === 'http' && c.mayWait && c.validity === 'either') unseen += c.events ?? 0
          const answers = report.answers[c.surface]!
          answers[status] = (answers[status] ?? 0) + 1
          accepted += verdict.accepted
          if (verdict.failure) fail(verdict.failure, c.surface, c.label, verdict.detail ?? '', at)
          report.cases++
        }
      }
      await Promise.all(Array.from({ length: concurrency }, worker))
      const first = stretch[0]!.index
      const range = `cases ${first}–${first + stretch.length - 1}`
      if (target.exit) {
        fail('crash', 'process', range, JSON.stringify(target.exit), first)
        break
      }
      for (const line of target.unexpected.splice(0)) fail('5xx', 'log', `unexpected error logged in ${range}`, line, first)
      expected = { ...expected, eventsIn: expected.eventsIn + accepted, logLength: expected.logLength + accepted }
      const digest = await reader.read()
      // Writes of `either` cases go to the fuzz-only site: only the counters of all sites may move, and
      // by no more than the unseen answers could have stored.
      const within = (key: keyof Digest) => (key === 'eventsIn' || key === 'logLength') && digest[key] >= expected[key] && digest[key] <= expected[key] + unseen
      const changed = (Object.keys(expected) as Array<keyof Digest>).filter((key) => digest[key] !== expected[key] && !within(key))
      if (changed.length > 0) {
        const detail = changed.map((k) => `${k}: ${difference(String(expected[k]), String(digest[k]))}`).join('; ')
        fail('state change', 'digest', range, `${detail}; unanswered: ${unanswered.join(' | ') || 'none'}`, first)
      }
      expected = digest
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
