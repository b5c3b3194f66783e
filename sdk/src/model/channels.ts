import type { ModelRow } from '../protocol'
import { blendOf, type Blend, type RowLookup } from './blend'
import { hopOf, type HopPart } from './hop'

export type { RowLookup } from './blend'

/** The parameters of the two channels; a site's validation chooses them (see `ScoreOptions`). */
export interface ChannelParams {
  /** How many of the session's most recent distinct items feed the explore channel. */
  depth: number
  /** Weight of each step back in the explore channel: the last item 1, the one before `decay`, then `decay²`... */
  decay: number
  /** Weight of the repeat channel (0–1); the explore channel gets the rest. */
  repeat: number
  /** How a click's weight in the repeat channel fades per click back in the session. */
  repeatDecay: number
  /**
   * How many clicks of evidence `repeat` counts for against the session's own behaviour: the
   * session's repeat weight is (its returns so far + repeatPrior · repeat) / (its steps so far + repeatPrior).
   */
  repeatPrior: number
  /**
   * Weight of the second hop (0–1; 0 turns it off): the rows of the items the last item's row names
   * first (`HUBS` of them, by weight) score what they name, so a candidate no row of the session
   * names can score, and the tail of the last item's row is ordered by whether its neighbours agree.
   */
  hop: number
}

/** One of the session's recent items and where its candidates are in `PreparedSession.index`. */
export interface ContextRow {
  from: string
  row: ModelRow | undefined
  /** How many items the row names (before `prepareSession`'s candidates keep some): a row naming none takes no weight. */
  named: number
  /** The row's candidates are `index[start]` … `index[end − 1]` (and so for `share` and `entry`). */
  start: number
  end: number
}

/** A session's scoring inputs, prepared once and then scored under any parameters. */
export interface PreparedSession {
  /** Every item the channels can score: the session's own items and what the context rows name. */
  items: string[]
  /** The session's most recent distinct items, most recent first, with their rows. */
  context: ContextRow[]
  /** Index in `items` of each candidate the context rows name, row after row. */
  index: number[]
  /** The candidate's share of its row's total (related weight, else next clicks). */
  share: number[]
  /** Where in its row's list (related items, else next) each candidate is. */
  entry: number[]
  /** Index in `items` of each click of the session, most recent first. */
  clicks: number[]
  /** Steps of the session so far that returned to an item it had already clicked. */
  returns: number
  /** With `prepareSession`'s `candidates`: the index in `items` of each of them. */
  candidates?: number[] | undefined
  /** The second hop (prepared with `hop`): each item it names (`index` in `items`), its part and its reason (see `ChannelParams.hop`). */
  hop: { index: number[]; value: number[]; parts: HopPart[] }
}

const NO_HOP: PreparedSession['hop'] = { index: [], value: [], parts: [] }

/**
 * Reads the rows of the session's last `maxDepth` distinct items once. With `candidates`, `items`
 * starts with them (in their order, without repeats) and the rows keep only what they say about them:
 * a ranking of a page's list needs nothing else, and the candidates' scores do not change.
 */
export function prepareSession(trail: readonly string[], rows: RowLookup, maxDepth: number, candidates?: readonly string[], hop = false): PreparedSession {
  return prepareWithSlots(trail, rows, maxDepth, candidates, hop).session
}

/**
 * `prepareSession`, with the index of each item in `items` (what explaining a score needs; a
 * validation keeps thousands of sessions and not their maps).
 */
export function prepareWithSlots(
  trail: readonly string[],
  rows: RowLookup,
  maxDepth: number,
  candidates?: readonly string[],
  hop = false,
): { session: PreparedSession; slots: ReadonlyMap<string, number> } {
  const items: string[] = []
  const slots = new Map<string, number>()
  const slot = (item: string) => {
    let i = slots.get(item)
    if (i === undefined) slots.set(item, (i = items.push(item) - 1))
    return i
  }
  const candidateSlots: number[] | undefined = candidates && new Array(candidates.length)
  for (let k = 0; candidates && k < candidates.length; k++) candidateSlots![k] = slot(candidates[k]!)
  const kept = candidates ? items.length : Infinity
  for (const item of trail) slot(item)
  const clicks: number[] = new Array(trail.length)
  for (let i = trail.length - 1, j = 0; i >= 0; i--, j++) clicks[j] = slots.get(trail[i]!)!
  // The session's distinct items, most recent first: the context, and the count of returns.
  const seen: number[] = new Array(items.length).fill(0)
  const context: ContextRow[] = []
  const blends: Array<Blend | undefined> = []
  let size = 0
  for (let j = 0; j < clicks.length; j++) {
    if (seen[clicks[j]!]) continue
    seen[clicks[j]!] = 1
    if (context.length === maxDepth) continue
    const from = items[clicks[j]!]!
    const row = rows(from)
    const blend = blendOf(row)
    size += blend?.items.length ?? 0
    blends.push(blend)
    context.push({ from, row, named: blend?.items.length ?? 0, start: 0, end: 0 })
  }
  let distinct = 0
  for (let i = 0; i < seen.length; i++) distinct += seen[i]!
  // Plain arrays: a ranking allocates typed arrays' backing stores more slowly than these.
  const index: number[] = new Array(size)
  const share: number[] = new Array(size)
  const entry: number[] = new Array(size)
  let n = 0
  context.forEach((c, d) => {
    const blend = blends[d]
    c.start = n
    for (let e = 0; blend && e < blend.items.length; e++) {
      const pair = blend.items[e]!
      const i = candidates ? slots.get(pair[0]) : slot(pair[0])
      if (i === undefined || i >= kept) continue
      index[n] = i
      share[n] = pair[1] / blend.total
      entry[n++] = e
    }
    c.end = n
  })
  index.length = share.length = entry.length = n
  const second = hop && blends[0] ? hopEntries(hopOf(context[0]!.row!, rows), items, candidates ? kept : undefined, slot) : NO_HOP
  return { session: { items, context, index, share, entry, clicks, returns: trail.length - distinct, candidates: candidateSlots, hop: second }, slots }
}

/** The hop's entries: with `candidates` (the first items), those it names; else every item it names, slotted in. */
function hopEntries(parts: ReadonlyMap<string, HopPart>, items: readonly string[], candidates: number | undefined, slot: (item: string) => number): PreparedSession['hop'] {
  const out: PreparedSession['hop'] = { index: [], value: [], parts: [] }
  const add = (i: number, part: HopPart) => (out.index.push(i), out.value.push(part.value), out.parts.push(part))
  if (candidates !== undefined) {
    for (let i = 0; i < candidates; i++) {
      const part = parts.get(items[i]!)
      if (part) add(i, part)
    }
  } else for (const [item, part] of parts) add(slot(item), part)
  return out
}

/** One score per item of a session (a caller scoring many sessions passes one buffer). */
export type Scores = Float64Array | number[]

const zeros = (n: number): number[] => new Array<number>(n).fill(0)

/** The weight of the repeat channel in this session: the site's `repeat` moved toward the session's own share of returns. */
export function repeatWeight(session: PreparedSession, params: ChannelParams): number {
  const steps = session.clicks.length - 1
  // A site weight of 0 turns the channel off; otherwise the session's own returns move it.
  return params.repeat > 0 && steps > 0 ? (session.returns + params.repeatPrior * params.repeat) / (steps + params.repeatPrior) : params.repeat
}

/**
 * The two channels mixed: explore — each recent item's row shares, weighted by recency
 * (`decay` per step) and normalized by the weights of the rows present — and repeat — the
 * session's own clicks, each weighing `repeatDecay` per click back, normalized to sum 1 (so an
 * item clicked often and lately scores most) — as `(1 − r) · explore + r · repeatShare`, where r is
 * the site's `repeat` weight moved toward the session's own share of returns (`repeatPrior`).
 * With a prepared second hop and `hop` h > 0, the mixture takes 1 − h and the hop h.
 * Adds into `out` (one slot per `items`); RepeatNet's repeat/explore mixture at the cost of a sum.
 */
export function channelScores<T extends Scores>(session: PreparedSession, params: ChannelParams, out: T = zeros(session.items.length) as T): T {
  const { depth, decay } = params
  const hop = session.hop.index.length > 0 ? params.hop : 0
  const rest = 1 - hop
  const repeat = repeatWeight(session, params)
  let present = 0
  let weight = 1
  const used = Math.min(depth, session.context.length)
  for (let d = 0; d < used; d++, weight *= decay) if (session.context[d]!.named > 0) present += weight
  if (present > 0 && repeat < 1) {
    weight = (rest * (1 - repeat)) / present
    const { index, share } = session
    for (let d = 0; d < used; d++, weight *= decay) {
      const { start, end } = session.context[d]!
      for (let j = start; j < end; j++) out[index[j]!]! += weight * share[j]!
    }
  }
  if (hop > 0) {
    const { index, value } = session.hop
    for (let j = 0; j < index.length; j++) out[index[j]!]! += hop * value[j]!
  }
  return repeatScores(session, params, rest * repeat, out)
}

/** Adds the repeat channel's part of each item's score (`r` · its share of the session's clicks) into `out`. */
export function repeatScores<T extends Scores>(session: PreparedSession, params: ChannelParams, repeat = repeatWeight(session, params), out: T = zeros(session.items.length) as T): T {
  const { clicks } = session
  const { repeatDecay } = params
  if (repeat > 0 && clicks.length > 0) {
    // Σ repeatDecay^i over the clicks, so the channel's shares sum to 1.
    const total = repeatDecay === 1 ? clicks.length : (1 - repeatDecay ** clicks.length) / (1 - repeatDecay)
    let w = repeat / total
    for (let i = 0; i < clicks.length && w > 1e-12; i++, w *= repeatDecay) out[clicks[i]!]! += w
  }
  return out
}
