import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { EvalSummary } from './report'

const fixtures = join(import.meta.dirname, '../../fixtures/eval')
const cli = join(import.meta.dirname, '../cli/main.ts')
const run = (...args: string[]) => execFileSync(process.execPath, ['--import', 'tsx', cli, 'eval', ...args], { encoding: 'utf8', stdio: 'pipe' })
const model = (s: EvalSummary, name: string) => s.models.find((m) => m.name === name)!

describe('sequitur eval', () => {
  it('evaluates session-per-line files and prints the JSON summary', () => {
    const out = JSON.parse(run('--train', join(fixtures, 'train.txt'), '--test', join(fixtures, 'test.txt'), '--json')) as EvalSummary
    // Cases: A→B and D→A; D was never seen in training, so nothing predicts A there.
    expect(out).toMatchObject({ k: 20, cases: 2, shipped: 'sequitur' })
    expect(out.models.map((m) => m.name)).toEqual(['popularity', 'markov', 'sr', 'sequitur'])
    // Markov: after A, B (2) beats C (1): rank 1 on the first case, a miss on the second.
    expect(model(out, 'markov')).toMatchObject({ hr: 0.5, mrr: 0.5 })
    // Popularity: A 3, B 3, C 2. A label ties the other and ranks after it (ties never favour the
    // label): rank 2 on both cases.
    expect(model(out, 'popularity')).toMatchObject({ hr: 1, mrr: 0.5 })
    // The shipped model reports the parameters its self-validation on the training data chose.
    expect(Object.keys(model(out, 'sequitur').validation!.params).sort()).toEqual(['decay', 'depth', 'hop', 'repeat', 'repeatDecay', 'repeatPrior'])
  })

  it('keeps the scorer’s defaults with --defaults', () => {
    const out = JSON.parse(run('--train', join(fixtures, 'train.txt'), '--test', join(fixtures, 'test.txt'), '--json', '--defaults')) as EvalSummary
    expect(model(out, 'sequitur').validation).toBeUndefined()
  })

  it('cuts at k', () => {
    const out = JSON.parse(run('--train', join(fixtures, 'train.txt'), '--test', join(fixtures, 'test.txt'), '--json', '--k', '1')) as EvalSummary
    expect(model(out, 'popularity')).toMatchObject({ hr: 0, mrr: 0 })
    expect(model(out, 'markov')).toMatchObject({ hr: 0.5, mrr: 0.5 })
  })

  it('reads the session-rec layout and splits off the last day as the test set', () => {
    const out = JSON.parse(run('--input', join(fixtures, 'clicks.tsv'), '--test-days', '1', '--json')) as EvalSummary
    expect(out.cases).toBe(1)
    expect(model(out, 'markov')).toMatchObject({ hr: 1, mrr: 1 })
  })

  it('reads the Diginetica layout, ordering each session by its time', () => {
    const out = JSON.parse(run('--input', join(fixtures, 'clicks-diginetica.csv'), '--test-days', '1', '--json')) as EvalSummary
    // The last session clicks A (timeframe 50) then B (100): one case, A → B, which Markov ranks first.
    expect(out.cases).toBe(1)
    expect(model(out, 'markov')).toMatchObject({ hr: 1, mrr: 1 })
  })

  it('prints a table and writes an HTML report with both charts', () => {
    const report = join(mkdtempSync(join(tmpdir(), 'sequitur-eval-')), 'report.html')
    const out = run('--train', join(fixtures, 'train.txt'), '--test', join(fixtures, 'test.txt'), '--report', report)
    expect(out).toMatch(/\| model \| HR@20 \| MRR@20 \| AUC \| coverage \|/)
    const html = readFileSync(report, 'utf8')
    expect(html).toContain('HR@k')
    expect(html).toContain('MRR@k')
    expect(html.match(/<path /g)).toHaveLength(8)
  })

  it('explains a usage error and exits 2', () => {
    expect(() => run('--train', 'x')).toThrow(expect.objectContaining({ status: 2, stderr: expect.stringMatching(/give --train and --test/) }))
    expect(() => run('--nope')).toThrow(expect.objectContaining({ status: 2, stderr: expect.stringMatching(/Unknown option '--nope'/) }))
    // A click log given as sessions would be scored column by column: refused, pointing at --input.
    const log = join(fixtures, 'clicks.tsv')
    expect(() => run('--train', log, '--test', join(fixtures, 'test.txt'))).toThrow(expect.objectContaining({ status: 2, stderr: expect.stringMatching(/clicks\.tsv looks like a timestamped click log.*--input/) }))
  })

  it('exits 1 when a file cannot be read', () => {
    expect(() => run('--train', 'missing.txt', '--test', 'missing.txt')).toThrow(expect.objectContaining({ status: 1, stderr: expect.stringMatching(/missing\.txt/) }))
  })
})
