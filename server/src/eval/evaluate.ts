import { MetricSum, aucOf, rankOf, topOf } from './metrics'
import type { ModelFactory } from './models'
import type { Session } from '../history'
import type { Validation } from '../model/validate'
import { mulberry32 } from '../random'

/** The evaluation of one model. */
export interface ModelResult {
  name: string
  /** HR@k for k = 1..maxK (index 0 is k = 1). */
  hrAt: number[]
  /** MRR@k for k = 1..maxK. */
  mrrAt: number[]
  hr: number
  mrr: number
  auc: number
  coverage: number
  /** Seconds to train and evaluate. */
  seconds: number
  /** The shipped model's self-validation: the parameters it chose and their figures. */
  validation?: Validation
}

/** Options of an evaluation run. */
export interface EvaluateOptions {
  k?: number
  /** Negatives sampled per case for AUC. */
  negatives?: number
  /** Seed of the negative sampling, so runs repeat exactly. */
  seed?: number
  /** Called as the test sessions are scored: `done` of `total` for the `model`-th (from 1) of `models`. */
  onProgress?: (done: number, total: number, model: number, models: number) => void
}

/**
 * The standard protocol: every position of every test session is a case (predict item i+1 from
 * items 0..i), ranked over every training item.
 */
export function evaluate(
  train: readonly Session[],
  test: readonly Session[],
  factories: readonly ModelFactory[],
  { k = 20, negatives = 100, seed = 42, onProgress }: EvaluateOptions = {},
): { cases: number; catalogue: number; results: ModelResult[] } {
  const catalogue = new Set<string>()
  for (const s of train) for (const item of s.items) catalogue.add(item)
  const items = [...catalogue]
  const results = factories.map((factory, index) => {
    const started = performance.now()
    const progress = (done: number) => onProgress?.(done, test.length, index + 1, factories.length)
    progress(0)
    const model = factory(train)
    const sum = new MetricSum(k)
    const random = mulberry32(seed)
    for (const [done, { items: clicks }] of test.entries()) {
      progress(done)
      for (let i = 0; i + 1 < clicks.length; i++) {
        const prediction = model.predict(clicks.slice(0, i + 1))
        const label = clicks[i + 1]!
        const sample = Array.from({ length: negatives }, () => items[Math.floor(random() * items.length)]!).filter((n) => n !== label)
        sum.add(rankOf(prediction, label, catalogue), aucOf(prediction, label, sample), topOf(prediction, k, catalogue))
      }
    }
    progress(test.length)
    const range = Array.from({ length: k }, (_, i) => i + 1)
    return {
      name: model.name,
      hrAt: range.map((j) => sum.hr(j)),
      mrrAt: range.map((j) => sum.mrr(j)),
      hr: sum.hr(),
      mrr: sum.mrr(),
      auc: sum.auc(),
      coverage: sum.coverage(catalogue.size),
      seconds: (performance.now() - started) / 1000,
      ...(model.validation ? { validation: model.validation } : {}),
    }
  })
  const cases = test.reduce((n, s) => n + Math.max(0, s.items.length - 1), 0)
  return { cases, catalogue: catalogue.size, results }
}
