import { candidatesOf, rank, type ScoreOptions } from '@sequitur/sdk/model'
import type { ModelRow } from '@sequitur/sdk/protocol'
import { buildModel, type Session } from '../history'
import { predictionOf, type Prediction } from './metrics'

/** A model under evaluation: trained once, then asked for each prefix of each test session. */
export interface Model {
  name: string
  predict(prefix: readonly string[]): Prediction
}

/** Builds a model from training sessions. */
export type ModelFactory = (train: readonly Session[]) => Model

const EMPTY = predictionOf(new Map())

/** Popularity: every item scored by how often it was clicked in training, whatever the session. */
export const popularity: ModelFactory = (train) => {
  const counts = new Map<string, number>()
  for (const s of train) for (const item of s.items) counts.set(item, (counts.get(item) ?? 0) + 1)
  const prediction = predictionOf(counts)
  return { name: 'popularity', predict: () => prediction }
}

/** Etsy's Markov model: the next-click counts of the last item, top 20. */
export const markov: ModelFactory = (train) => {
  const next = new Map<string, Map<string, number>>()
  for (const { items } of train) {
    for (let i = 1; i < items.length; i++) {
      let row = next.get(items[i - 1]!)
      if (!row) next.set(items[i - 1]!, (row = new Map()))
      row.set(items[i]!, (row.get(items[i]!) ?? 0) + 1)
    }
  }
  const rows = new Map([...next].map(([item, row]) => [item, cut(predictionOf(row), 20)]))
  return { name: 'markov', predict: (prefix) => rows.get(prefix[prefix.length - 1]!) ?? EMPTY }
}

/**
 * Sequential rules (session-rec's SR): every later item within `steps` counts for an earlier one,
 * weighted 1/distance; the last item's rules, pruned to the best `pruning`, score the candidates.
 */
export function sequentialRules({ steps = 10, pruning = 20 } = {}): ModelFactory {
  return (train) => {
    const rules = new Map<string, Map<string, number>>()
    for (const { items } of train) {
      for (let j = 1; j < items.length; j++) {
        for (let i = Math.max(0, j - steps); i < j; i++) {
          let row = rules.get(items[i]!)
          if (!row) rules.set(items[i]!, (row = new Map()))
          row.set(items[j]!, (row.get(items[j]!) ?? 0) + 1 / (j - i))
        }
      }
    }
    const pruned = new Map([...rules].map(([item, row]) => [item, cut(predictionOf(row), pruning)]))
    return { name: 'sr', predict: (prefix) => pruned.get(prefix[prefix.length - 1]!) ?? EMPTY }
  }
}

/** The name under which the shipped model is reported. */
export const SHIPPED_NAME = 'sequitur'

/** Options of the shipped model: the server's aggregation and the SDK's scorer. */
export interface ShippedOptions extends ScoreOptions {
  /** Next items per row, as the server sends them. */
  topK?: number
  /** Related items per row, as the server sends them. */
  relatedK?: number
  /** Days of the window. */
  windowDays?: number
}

/**
 * The shipped model, as a browser sees it: rows built by the server's aggregation code
 * (`SiteModel`), cut to the top k the server sends, scored by the SDK's `rank` over only the items
 * those rows contain.
 */
export function shipped({ topK = 20, relatedK, windowDays = 60, ...score }: ShippedOptions = {}): ModelFactory {
  return (train) => {
    const model = buildModel(train, { windowDays, topK, ...(relatedK ? { relatedK } : {}) })
    const rows = new Map<string, ModelRow | undefined>()
    const lookup = (item: string) => {
      if (!rows.has(item)) rows.set(item, model.row(item))
      return rows.get(item)
    }
    return {
      name: SHIPPED_NAME,
      predict(prefix) {
        const ranked = rank(prefix, lookup, candidatesOf(prefix, lookup, score), score)
        return predictionOf(new Map(ranked.map((r) => [r.item, r.score])))
      },
    }
  }
}

function cut(prediction: Prediction, k: number): Prediction {
  const ranked = prediction.ranked.slice(0, k)
  const kept = new Map(ranked)
  return { ranked, score: (item) => kept.get(item) ?? 0 }
}
