import type { Ranked, Reason, SessionFeatures } from '../model'

/**
 * A `rerank` answer as it crosses from the worker to the page: one array of numbers and the few strings
 * the reasons name, instead of hundreds of small objects. Structured cloning copies objects one by one:
 * for 100 `Ranked` it took about 0.13 ms in Chromium, two thirds of a whole `rerank()` round trip.
 */
export interface PackedRanking {
  /**
   * Per ranked item, best first: its index in the candidates, its score, its number of reasons, its
   * `clicks10m` (0 without `session`), then per reason: `from` (an index into `strings`), `via` (an
   * index into `VIAS`), `count`, `total`, `weight`.
   */
  numbers: Float64Array
  /** The `from` values of the reasons. */
  strings: string[]
  /** With debug: the session's features, shared by every item. */
  session?: SessionFeatures
}

const VIAS: ReadonlyArray<Reason['via']> = ['next', 'related', 'repeat', 'trending', 'profile']

/** Packs `ranked`, an ordering of `candidates`, for the trip to the page. */
export function packRanking(candidates: readonly string[], ranked: readonly Ranked[]): PackedRanking {
  const index = new Map<string, number>()
  candidates.forEach((item, i) => index.has(item) || index.set(item, i))
  const session = ranked[0]?.features?.session
  let size = 0
  for (const r of ranked) size += 4 + 5 * r.reasons.length
  const numbers = new Float64Array(size)
  const strings: string[] = []
  const refs = new Map<string, number>()
  let at = 0
  for (const r of ranked) {
    const i = index.get(r.item)
    if (i === undefined) throw new RangeError(`ranked item ${r.item} is not a candidate`)
    numbers[at++] = i
    numbers[at++] = r.score
    numbers[at++] = r.reasons.length
    numbers[at++] = r.features?.clicks10m ?? 0
    for (const reason of r.reasons) {
      let ref = refs.get(reason.from)
      if (ref === undefined) refs.set(reason.from, (ref = strings.push(reason.from) - 1))
      numbers[at++] = ref
      numbers[at++] = VIAS.indexOf(reason.via)
      numbers[at++] = reason.count
      numbers[at++] = reason.total
      numbers[at++] = reason.weight
    }
  }
  return session ? { numbers, strings, session } : { numbers, strings }
}

/** The `Ranked` list `packed` stands for; `candidates` are the ones the worker ranked. */
export function unpackRanking(candidates: readonly string[], { numbers, strings, session }: PackedRanking): Ranked[] {
  const out: Ranked[] = []
  for (let at = 0; at < numbers.length; ) {
    const item = candidates[numbers[at++]!]!
    const score = numbers[at++]!
    const count = numbers[at++]!
    const clicks10m = numbers[at++]!
    const reasons: Reason[] = []
    // (Properties are read in the order they are written, as `packRanking` wrote them.)
    for (let k = 0; k < count; k++) {
      reasons.push({ from: strings[numbers[at++]!]!, via: VIAS[numbers[at++]!]!, count: numbers[at++]!, total: numbers[at++]!, weight: numbers[at++]! })
    }
    out.push(session ? { item, score, reasons, features: { clicks10m, session } } : { item, score, reasons })
  }
  return out
}
