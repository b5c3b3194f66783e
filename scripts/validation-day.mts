/**
 * Throwaway experiments of issue 16 (brief H16S): builds the model before the training data's
 * latest day once, then runs `validate` on that day under the grids and fixed settings given in a
 * JSON file. Never reads a test file.
 *   node --import tsx scripts/validation-day.mts yoo|rr|rsc15 experiments.json
 * experiments.json: [{ "name": "...", "grid": {...partial grid...}?, "start": {...}?, "options": {...}? }]
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { SCORE_DEFAULTS } from '@sequitur/sdk/model'
import { growingModel, readClickLog, readSessionLines, splitByDays, type Session } from '../server/src/history'
import { latestDay } from '../server/src/eval/models'
import { validate, VALIDATION_GRID } from '../server/src/model/validate'

const data = join(import.meta.dirname, '../../shared/data')
const [which, file] = process.argv.slice(2)
let train: Session[]
if (which === 'yoo') train = readSessionLines(join(data, 'yoochoose-1-64/train.txt'))
else if (which === 'rr') train = readSessionLines(join(data, 'retailrocket/train.txt'))
else train = splitByDays(['train.tsv', 'test.tsv'].flatMap((f) => readClickLog(join(data, 'rsc15-100k', f)).sessions), 1).train
const t0 = performance.now()
const { before, day } = latestDay(train, 60)
const model = growingModel({ windowDays: 60, topK: 20 })
model.add(before)
const cache = new Map<string, ReturnType<typeof model.row>>()
const rows = (item: string) => {
  if (!cache.has(item)) cache.set(item, model.row(item))
  return cache.get(item)
}
console.error(`${which}: model before the day in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
const pct = (x: number) => (100 * x).toFixed(2)
for (const e of JSON.parse(readFileSync(file!, "utf8")).filter((e: { sweep?: unknown; pair?: unknown }) => !e.sweep && !e.pair)) {
  const t = performance.now()
  const v = validate(rows, day.map((s) => s.items), { ...e.options, start: { ...SCORE_DEFAULTS, ...e.start }, grid: { ...VALIDATION_GRID, ...e.grid } })
  console.log(
    `${which} ${e.name}: chosen ${pct(v.hr)} / ${pct(v.mrr)} ${JSON.stringify(v.params)}; start ${pct(v.defaults.hr)} / ${pct(v.defaults.mrr)}; ${v.cases} cases; ${((performance.now() - t) / 1000).toFixed(1)} s`,
  )
}

// Sweeps: { "sweep": { depth: [...], ... } } prints every combination's figures (no search).
import { casesOf, figuresOf, sampleOf, VALIDATE_DEFAULTS } from '../server/src/model/validate'
const sweeps = JSON.parse(readFileSync(file!, 'utf8')).filter((e: { sweep?: unknown }) => e.sweep)
if (sweeps.length) {
  const sample = sampleOf(day.map((s) => s.items).filter((s) => s.length > 1), VALIDATE_DEFAULTS.maxSessions, VALIDATE_DEFAULTS.seed)
  const cases = casesOf(sample, rows, 10)
  for (const e of sweeps) {
    const keys = Object.keys(e.sweep)
    const combos = keys.reduce<Array<Record<string, number>>>((out, key) => out.flatMap((p) => e.sweep[key].map((v: number) => ({ ...p, [key]: v }))), [{}])
    for (const c of combos) {
      const f = figuresOf(cases, { ...SCORE_DEFAULTS, ...e.start, ...c }, 20)
      console.log(`${which} ${e.name} ${JSON.stringify(c)} ${pct(f.hr)} / ${pct(f.mrr)}`)
    }
  }
}

if (process.env.COVER) {
  const sample = sampleOf(day.map((s) => s.items).filter((s) => s.length > 1), VALIDATE_DEFAULTS.maxSessions, VALIDATE_DEFAULTS.seed)
  for (const depth of [1, 2, 5, 10]) {
    const cases = casesOf(sample, rows, depth)
    const covered = cases.filter((c) => c.label >= 0).length
    console.log(`${which} depth ${depth}: label among candidates ${pct(covered / cases.length)} of ${cases.length}; mean candidates ${(cases.reduce((n, c) => n + c.session.items.length, 0) / cases.length).toFixed(0)}`)
  }
}

// Pairs: { "pair": [settingA, settingB] } prints both settings' figures and the standard error of their paired MRR and HR differences.
const pairs = JSON.parse(readFileSync(file!, 'utf8')).filter((e: { pair?: unknown }) => e.pair)
if (pairs.length) {
  const sample = sampleOf(day.map((s) => s.items).filter((s) => s.length > 1), VALIDATE_DEFAULTS.maxSessions, VALIDATE_DEFAULTS.seed)
  const cases = casesOf(sample, rows, 10)
  for (const e of pairs) {
    const [a, b] = e.pair.map((p: object) => {
      const ranks = new Uint16Array(cases.length)
      return { f: figuresOf(cases, { ...SCORE_DEFAULTS, ...p }, 20, ranks), ranks }
    })
    const se = (g: (r: number) => number) => {
      const d = Array.from(a.ranks, (r, i) => g(r) - g(b.ranks[i]!))
      const m = d.reduce((x, y) => x + y, 0) / d.length
      return Math.sqrt(d.reduce((x, y) => x + (y - m) ** 2, 0) / (d.length * (d.length - 1)))
    }
    const unpaired = (x: Uint16Array) => {
      const v = Array.from(x, (r) => (r ? 1 / r : 0))
      const m = v.reduce((p, q) => p + q, 0) / v.length
      return Math.sqrt(v.reduce((p, q) => p + (q - m) ** 2, 0) / (v.length * (v.length - 1)))
    }
    console.log(`${which} ${e.name}: unpaired SE of A's MRR ${pct(unpaired(a.ranks))}, of B's ${pct(unpaired(b.ranks))}`)
    console.log(`${which} ${e.name}: A ${pct(a.f.hr)} / ${pct(a.f.mrr)}, B ${pct(b.f.hr)} / ${pct(b.f.mrr)}; SE of the difference: HR ${pct(se((r) => (r ? 1 : 0)))}, MRR ${pct(se((r) => (r ? 1 / r : 0)))}`)
  }
}
