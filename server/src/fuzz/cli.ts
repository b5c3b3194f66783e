import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { UsageError } from '../cli/usage-error'
import { repoRoot } from '../program'
import { failuresOf, runFuzz, type FuzzReport } from './runner'

/** The help of `sequitur fuzz`. */
export const FUZZ_USAGE = `usage: sequitur fuzz [--cases N] [--seed S] [--concurrency C] [--max-minutes M]

The long fuzz run: a server of its own on 127.0.0.1 (embedded mode, a temp data dir) gets N seeded
hostile cases; prints a table and writes bench/out/fuzz.json.

  --cases N          cases to run (default 100000)
  --seed S           the seed (default: a random one, printed)
  --concurrency C    cases at once (default 16)
  --max-minutes M    stop after M minutes (default 60)
  --help             this help

Exit codes: 0 every case passed, 1 a failure or a run cut short (rerun with --seed), 2 wrong usage.`

const positive = (name: string, value: string) => {
  const n = Number(value)
  if (!(Number.isInteger(n) && n > 0)) throw new UsageError(`--${name} must be a positive integer, not ${JSON.stringify(value)}`)
  return n
}

/** Runs `sequitur fuzz <argv>`; resolves with its exit code (a `UsageError` is the caller's to report). */
export async function runFuzzCli(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      cases: { type: 'string', default: '100000' },
      seed: { type: 'string' },
      concurrency: { type: 'string', default: '16' },
      'max-minutes': { type: 'string', default: '60' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  })
  if (values.help) {
    console.log(FUZZ_USAGE)
    return 0
  }
  const cases = positive('cases', values.cases)
  const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed)
  if (!Number.isInteger(seed)) throw new UsageError(`--seed must be an integer, not ${JSON.stringify(values.seed)}`)
  const concurrency = positive('concurrency', values.concurrency)
  const maxMs = positive('max-minutes', values['max-minutes']) * 60_000

  console.log(`fuzz: ${cases} cases, seed ${seed}`)
  let lastPrint = 0
  const report = await runFuzz({
    cases,
    seed,
    concurrency,
    maxMs,
    onProgress: (done) => {
      if (done - lastPrint >= 10_000) console.log(`  ${(lastPrint = done)} cases`)
    },
  })
  print(report)
  const out = join(repoRoot, 'bench/out')
  mkdirSync(out, { recursive: true })
  const file = join(out, 'fuzz.json')
  writeFileSync(file, `${JSON.stringify({ at: new Date().toISOString(), ...report }, null, 2)}\n`)
  console.log(`wrote ${file}`)
  const failed = failuresOf(report) > 0 || report.cases < cases
  if (failed) console.log(report.cases < cases ? `stopped after ${report.cases} of ${cases} cases` : `failures: rerun with --seed ${seed}`)
  return failed ? 1 : 0
}

function print(r: FuzzReport) {
  const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`
  const rows: Array<[string, string]> = [['seed', String(r.seed)], ['cases', String(r.cases)]]
  for (const [surface, n] of Object.entries(r.perSurface)) {
    const answers = Object.entries(r.answers[surface] ?? {}).map(([k, v]) => `${k} ${v}`).join(', ')
    rows.push([`  ${surface}`, `${n} (${answers})`])
  }
  rows.push(['crashes', String(r.counts.crash)], ['5xx', String(r.counts['5xx'])], ['non-JSON errors', String(r.counts['non-JSON error'])])
  rows.push(['state changes', String(r.counts['state change'])], ['hangs', String(r.counts.hang)])
  rows.push(['invalid accepted', String(r.counts['accepted invalid'])], ['valid refused', String(r.counts['refused valid'])], ['bad stream frames', String(r.counts['bad frame'])])
  rows.push(['server RSS start → peak', `${mb(r.startRssBytes)} → ${mb(r.peakRssBytes)}`], ['duration', `${(r.durationMs / 1000).toFixed(0)} s`])
  const width = Math.max(...rows.map(([k]) => k.length))
  console.log(rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n'))
  for (const f of r.failures) console.log(`- ${f.failure} [${f.surface} #${f.index}] ${f.label}: ${f.detail}`)
}
