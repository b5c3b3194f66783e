/** A model's answer for one case: items with a positive score, best first (ties by id), and a lookup. */
export interface Prediction {
  ranked: ReadonlyArray<readonly [string, number]>
  /** The score of any item; 0 when the model has nothing for it. */
  score(item: string): number
  /** The label's rank, when the prediction knows it without a scan (a fixed prediction asked for every case). */
  rankOf?(label: string, catalogue: ReadonlySet<string>): number
}

/** Builds a prediction from sparse scores. */
export function predictionOf(scores: ReadonlyMap<string, number>): Prediction {
  const ranked = [...scores].filter(([, s]) => s > 0)
  ranked.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
  return { ranked, score: (item) => scores.get(item) ?? 0 }
}

/**
 * The 1-based rank of `label` among `catalogue` items, ties never favouring the label (it ranks
 * after every item with an equal score); `Infinity` when the label is not in the catalogue or scores 0
 * (it then ties with every unscored item and ranks last).
 */
export function rankOf(prediction: Prediction, label: string, catalogue: ReadonlySet<string>): number {
  if (!catalogue.has(label)) return Infinity
  if (prediction.rankOf) return prediction.rankOf(label, catalogue)
  const own = prediction.score(label)
  if (own <= 0) return Infinity
  let rank = 1
  for (const [item, score] of prediction.ranked) {
    if (score < own) break
    if (item !== label && catalogue.has(item)) rank++
  }
  return rank
}

/**
 * A prediction that is the same for every case (popularity): the rank of every item is counted once
 * per catalogue, so a case costs a lookup instead of a scan of the catalogue.
 */
export function fixedPrediction(scores: ReadonlyMap<string, number>): Prediction {
  const prediction = predictionOf(scores)
  let ranks: { catalogue: ReadonlySet<string>; of: Map<string, number> } | undefined
  const rankIn = (catalogue: ReadonlySet<string>) => {
    const of = new Map<string, number>()
    // An item ranks after every catalogue item of an equal or higher score: count each group of equal scores whole.
    const { ranked } = prediction
    let seen = 0
    for (let i = 0; i < ranked.length; ) {
      let j = i
      while (j < ranked.length && ranked[j]![1] === ranked[i]![1]) if (catalogue.has(ranked[j++]![0])) seen++
      for (; i < j; i++) of.set(ranked[i]![0], seen)
    }
    return { catalogue, of }
  }
  return {
    ...prediction,
    rankOf(label, catalogue) {
      if (ranks?.catalogue !== catalogue) ranks = rankIn(catalogue)
      return ranks.of.get(label) ?? Infinity
    },
  }
}

/**
 * The probability that the label outscores a random negative (ties count half), over the given
 * negatives: Etsy's AUC of the true next item against sampled ones.
 */
export function aucOf(prediction: Prediction, label: string, negatives: readonly string[]): number {
  if (negatives.length === 0) return 0.5
  const own = prediction.score(label)
  let wins = 0
  for (const n of negatives) {
    const s = prediction.score(n)
    wins += s < own ? 1 : s === own ? 0.5 : 0
  }
  return wins / negatives.length
}

/** The `k` best-scored catalogue items. */
export function topOf(prediction: Prediction, k: number, catalogue: ReadonlySet<string>): string[] {
  const top: string[] = []
  for (const [item] of prediction.ranked) {
    if (top.length >= k) break
    if (catalogue.has(item)) top.push(item)
  }
  return top
}

/** Running HR@k and MRR@k for k = 1..maxK, AUC and catalogue coverage. */
export class MetricSum {
  readonly #hits: number[]
  readonly #rr: number[]
  readonly #recommended = new Set<string>()
  #auc = 0
  cases = 0

  constructor(readonly maxK: number) {
    this.#hits = new Array<number>(maxK + 1).fill(0)
    this.#rr = new Array<number>(maxK + 1).fill(0)
  }

  /** Adds one case: the label's rank, its AUC, and the model's top-k list (for coverage). */
  add(rank: number, auc: number, topItems: Iterable<string>): void {
    this.cases++
    this.#auc += auc
    for (const item of topItems) this.#recommended.add(item)
    for (let k = rank; k <= this.maxK; k++) {
      this.#hits[k]!++
      this.#rr[k]! += 1 / rank
    }
  }

  /** HR@k: the share of cases whose label ranks within k. */
  hr(k = this.maxK): number {
    return this.cases ? this.#hits[k]! / this.cases : 0
  }

  /** MRR@k: the mean reciprocal rank, 0 past k. */
  mrr(k = this.maxK): number {
    return this.cases ? this.#rr[k]! / this.cases : 0
  }

  /** The mean AUC over cases. */
  auc(): number {
    return this.cases ? this.#auc / this.cases : 0
  }

  /** The share of the catalogue that appeared in some top-k list. */
  coverage(catalogueSize: number): number {
    return catalogueSize ? this.#recommended.size / catalogueSize : 0
  }
}
