import { candidatesOf, rank, SCORE_DEFAULTS, type ScoreOptions } from '@sequitur/sdk/model'
import type { ModelRow } from '@sequitur/sdk/protocol'
import { growingModel, splitByDays, type Session } from '../history'
import { validate, type Validation } from '../model/validate'
import { fixedPrediction, predictionOf, type Prediction } from './metrics'

/** A model under evaluation: trained once, then asked for each prefix of each test session. */
export interface Model {
  name: string
  predict(prefix: readonly string[]): Prediction
  /** What the self-validation chose (the shipped model). */
  validation?: Validation
}

/** Builds a model from training sessions. */
export type ModelFactory = (train: readonly Session[]) => Model

const EMPTY = predictionOf(new Map())

/** Popularity: every item scored by how often it was clicked in training, whatever the session. */
export const popularity: ModelFactory = (train) => {
  const counts = new Map<string, number>()
  for (const s of train) for (const item of s.items) counts.set(item, (counts.get(item) ?? 0) + 1)
  const prediction = fixedPrediction(counts)
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
  /** Choose the channel parameters by the site's self-validation on the training data (default), or keep the options as given. */
  validate?: boolean
}

/**
 * The shipped model, as a browser sees it: rows built by the server's aggregation code
 * (`Model`), cut to the top k the server sends, scored by the SDK's `rank` over only the items
 * those rows contain — with the parameters the server's self-validation (`validate`) chooses on the
 * training data alone: the model before the training data's latest day, scored on that day.
 */
export function shipped({ topK = 20, relatedK, windowDays = 60, validate: self = true, ...score }: ShippedOptions = {}): ModelFactory {
  return (train) => {
    const model = growingModel({ windowDays, topK, ...(relatedK ? { relatedK } : {}) })
    let validation: Validation | undefined
    if (self) {
      const { before, day } = latestDay(train, windowDays)
      model.add(before)
      validation = validate(model.row, day.map((s) => s.items), { start: { ...SCORE_DEFAULTS, ...score } })
      model.add(day)
    } else {
      model.add(train)
    }
    const params = { ...score, ...validation?.params }
    const rows = new Map<string, ModelRow | undefined>()
    const lookup = (item: string) => {
      if (!rows.has(item)) rows.set(item, model.row(item))
      return rows.get(item)
    }
    return {
      name: SHIPPED_NAME,
      ...(validation ? { validation } : {}),
      predict(prefix) {
        const ranked = rank(prefix, lookup, candidatesOf(prefix, lookup, params), params)
        return predictionOf(new Map(ranked.map((r) => [r.item, r.score])))
      },
    }
  }
}

/**
 * The training data's latest day, what the server validates on: the sessions ending on its last day
 * when they carry times, else its last sessions in file order, as many as one day of a `windowDays`
 * window would hold.
 */
export function latestDay(train: readonly Session[], windowDays: number): { before: Session[]; day: Session[] } {
  if (train.length > 0 && train.every((s) => s.times)) {
    const { train: before, test: day } = splitByDays(train, 1)
    return { before, day }
  }
  const cut = train.length - Math.max(1, Math.round(train.length / windowDays))
  return { before: train.slice(0, cut), day: train.slice(cut) }
}

function cut(prediction: Prediction, k: number): Prediction {
  const ranked = prediction.ranked.slice(0, k)
  const kept = new Map(ranked)
  return { ranked, score: (item) => kept.get(item) ?? 0 }
}
