import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { failuresOf, runFuzz, type FuzzReport } from './runner'

// `npm run fuzz -- --cases N --seed S`: the long run. Only 127.0.0.1, bounded in cases and time.
const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '100000' },
    seed: { type: 'string' },
    concurrency: { type: 'string', default: '16' },
    'max-minutes': { type: 'string', default: '60' },
  },
})
const cases = Number(values.cases)
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed)
const maxMs = Number(values['max-minutes']) * 60_000
if (!(cases > 0) || !Number.isInteger(seed)) throw new Error('usage: npm run fuzz -- [--cases N] [--seed S] [--concurrency C] [--max-minutes M]')

console.log(`fuzz: ${cases} cases, seed ${seed}`)
let lastPrint = 0
const report = await runFuzz({
  cases,
  seed,
  concurrency: Number(values.concurrency),
  maxMs,
  onProgress: (done) => {
    if (done - lastPrint >= 10_000) console.log(`  ${(lastPrint = done)} cases`)
  },
})
print(report)
const out = join(fileURLToPath(new URL('../../..', import.meta.url)), 'bench/out')
mkdirSync(out, { recursive: true })
const file = join(out, 'fuzz.json')
writeFileSync(file, `${JSON.stringify({ at: new Date().toISOString(), ...report }, null, 2)}\n`)
console.log(`wrote ${file}`)
const failed = failuresOf(report) > 0 || report.cases < cases
if (failed) console.log(report.cases < cases ? `stopped after ${report.cases} of ${cases} cases` : `failures: rerun with --seed ${seed}`)
process.exit(failed ? 1 : 0)

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
