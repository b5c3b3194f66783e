import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { EngineName } from '../driver/engine'
import { consentSection } from './consent-matrix'

const root = fileURLToPath(new URL('../..', import.meta.url))
/** Where each row's result is written during the run (not committed). */
export const RESULTS_DIR = join(root, 'test-results/fault-matrix')
/** The generated table. */
export const MATRIX_FILE = join(root, 'docs/fault-matrix.md')

/** What one fault row measured on one engine. */
export interface RowResult {
  fault: string
  engine: EngineName
  version: string
  /** Events the page tracked. */
  tracked: number
  /** Tracked events that reached the server in an accepted request at least once. */
  sent: number
  /** Accepted deliveries beyond the first of an event (the server must deduplicate these). */
  resent: number
  /** Events the server counted (see docs/fault-matrix.md for how). */
  counted: number
  lost: number
  duplicated: number
  /** Dropped by the SDK on purpose and reported by it (bounded outbox), when the fault allows it. */
  dropped?: number
  note?: string
}

/** Writes one row's result for the generator; called at the end of each fault test. */
export function recordRow(result: RowResult): void {
  mkdirSync(RESULTS_DIR, { recursive: true })
  writeFileSync(join(RESULTS_DIR, `${result.fault}--${result.engine}.json`), JSON.stringify(result, null, 2))
}

/** A fault of the matrix, with the engines that cannot produce it and why. */
export interface FaultRow {
  id: string
  title: string
  cannot?: Partial<Record<EngineName, string>>
  /** Engines the row is not run on yet (the fault can be produced, the harness is not reliable there yet), and why. */
  notRun?: Partial<Record<EngineName, string>>
}

/** Every row of the matrix, in table order. */
export const FAULTS: FaultRow[] = [
  { id: 'baseline', title: 'no fault (exactly once)' },
  { id: 'offline-online', title: 'offline, then online', cannot: { webkit: 'WebKitWebDriver (WebDriver classic) has no network emulation; MiniBrowser has no offline switch' } },
  { id: 'server-down', title: 'server down 10 s (stopped, restarted on the same port and data dir)' },
  { id: 'storm-503', title: '503 storm with Retry-After: 2' },
  { id: 'storm-429', title: '429 storm with Retry-After: 2' },
  { id: 'close-mid-batch', title: 'tab closed mid-batch' },
  { id: 'navigate-away', title: 'navigation away' },
  { id: 'bfcache', title: 'back/forward cache (away, then history back)' },
  { id: 'beacon-limits', title: 'beacons on leaving < 64 KB, no preflight' },
  { id: 'two-tabs', title: 'two tabs of one session' },
  { id: 'strict-csp', title: "strict CSP (script-src 'self', no blob: workers)" },
  { id: 'endpoint-blocked', title: 'endpoint blocked (every events request fails), outbox bounded at 5,000 events' },
  { id: 'idb-unavailable', title: 'IndexedDB unavailable: chromium and firefox block all site data, webkit runs with its IndexedDBAPI feature off' },
  {
    id: 'quota-exceeded',
    title: 'storage quota exceeded (endpoint blocked until it is): chromium by the DevTools per-origin quota, firefox by its temporary storage limit',
    cannot: { webkit: "MiniBrowser exposes no per-origin storage quota (WebKitGTK's is set by the embedding app's website data manager)" },
  },
  {
    id: 'idb-connection-lost',
    title: 'IndexedDB connection lost mid-session (WebKit: its network process killed under the live page; every reopen is then refused)',
    cannot: {
      chromium: 'WebKit only: Chromium and Firefox keep IndexedDB in the browser process, whose crash ends the page too',
      firefox: 'WebKit only: Chromium and Firefox keep IndexedDB in the browser process, whose crash ends the page too',
    },
  },
  {
    id: 'clock-ahead',
    title: "device clock 3 h ahead (libfaketime in every browser process; the SDK stamps events by the server's Date header)",
    cannot: { firefox: "Firefox ESR deadlocks at start under libfaketime 0.9.10 (mozjemalloc's init reads the clock; libfaketime's first lookup mallocs)" },
  },
  { id: 'clock-behind', title: 'device clock 5 h behind (likewise)', cannot: { firefox: "Firefox ESR deadlocks at start under libfaketime 0.9.10 (mozjemalloc's init reads the clock; libfaketime's first lookup mallocs)" } },
]

/** Faults of issue #15 this harness does not produce yet, and why (printed under the table). */
export const NOT_COVERED: Array<{ title: string; why: string }> = []

const ENGINE_ORDER: EngineName[] = ['chromium', 'firefox', 'webkit']

/** Builds docs/fault-matrix.md from the results of this run (rows not run say so). */
export function generateMatrix(): string {
  const results = new Map<string, RowResult>()
  let files: string[] = []
  try {
    files = readdirSync(RESULTS_DIR).filter((f) => f.endsWith('.json'))
  } catch {
    files = []
  }
  for (const file of files) {
    const result = JSON.parse(readFileSync(join(RESULTS_DIR, file), 'utf8')) as RowResult
    results.set(`${result.fault}--${result.engine}`, result)
  }
  const versions = new Map<EngineName, string>()
  for (const result of results.values()) versions.set(result.engine, result.version)
  const lines = [
    '# Fault matrix',
    '',
    'Generated by `npm run test:engines` (e2e/engines); do not edit by hand. Each cell: events the page',
    'tracked → sent (reached the server in an accepted request), resent (accepted again: the server must',
    'deduplicate), counted (by the server), lost, duplicated (counted twice).',
    '',
    `Engines: ${ENGINE_ORDER.map((e) => `${e} ${versions.get(e) ?? '(not run)'}`).join(', ')}.`,
    '',
    'Counted: each test tracks a chain of fresh item ids; the server counts event *i* in the row of the',
    'model (`GET /v1/rows`): the transitions out of item *i* (the last one: into it). Lost: 0 counted;',
    'duplicated: counted more than once.',
    '',
    `| fault | ${ENGINE_ORDER.join(' | ')} |`,
    `|---|${ENGINE_ORDER.map(() => '---').join('|')}|`,
  ]
  for (const fault of FAULTS) {
    const cells = ENGINE_ORDER.map((engine) => {
      const cannot = fault.cannot?.[engine]
      if (cannot) return `cannot produce: ${cannot}`
      if (fault.notRun?.[engine]) return `not run: ${fault.notRun[engine]}`
      const r = results.get(`${fault.id}--${engine}`)
      if (!r) return 'not run'
      const dropped = r.dropped ? `, dropped ${r.dropped}` : ''
      const note = r.note ? ` (${r.note})` : ''
      return `${r.tracked} → sent ${r.sent}, resent ${r.resent}, counted ${r.counted}, lost ${r.lost}, duplicated ${r.duplicated}${dropped}${note}`
    })
    lines.push(`| ${fault.title} | ${cells.join(' | ')} |`)
  }
  if (NOT_COVERED.length > 0) lines.push('', 'Not covered by this harness yet:', '')
  for (const row of NOT_COVERED) lines.push(`- ${row.title}: ${row.why}.`)
  lines.push(...consentSection(results, ENGINE_ORDER))
  return lines.join('\n') + '\n'
}

/** Writes docs/fault-matrix.md. */
export function writeMatrix(): void {
  writeFileSync(MATRIX_FILE, generateMatrix())
}
