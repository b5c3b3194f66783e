/**
 * What every benchmark suite shares: `--quick`, medians over repeated runs, and one way to report.
 * A suite is its own process (`node --import tsx bench/<name>.bench.mts [--quick]`); it prints its setup
 * and a table, and writes `bench/out/<name>.json` ({ setup, results }) for `bench/run.mts` to merge.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export const quick = process.argv.includes('--quick')

/** The median of `values` (NaN when empty). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** The p-th percentile (nearest rank) of `values`. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!
}

/** Rounds to `digits` significant decimals for reporting. */
export function round(value: number, digits = 4): number {
  return Number(value.toFixed(digits))
}

/** Prints the suite's setup and results, and writes them for the runner. */
export function report(name: string, setup: string, results: Record<string, number>): void {
  console.log(`\n## ${name}\n\n${setup}\n`)
  console.log('| key | value |\n|---|---:|')
  for (const [key, value] of Object.entries(results)) console.log(`| ${key} | ${value} |`)
  const dir = join(import.meta.dirname, 'out')
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, `${name}.json`), `${JSON.stringify({ setup, results }, null, 2)}\n`)
}
