import type { ModelRow } from '../protocol'

/** Looks up the model row of an item. */
export type RowLookup = (item: string) => ModelRow | undefined

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
}

/** One of the session's recent items and the shares its row gives to candidates. */
export interface ContextRow {
  from: string
  row: ModelRow | undefined
  /** Index in `PreparedSession.items` of each candidate the row names. */
  index: Int32Array
  /** The candidate's share of the row's total (related weight, else next clicks). */
  share: Float64Array
}

/** A session's scoring inputs, prepared once and then scored under any parameters. */
export interface PreparedSession {
  /** Every item the channels can score: the session's own items and what the context rows name. */
  items: string[]
  /** The session's most recent distinct items, most recent first, with their rows. */
  context: ContextRow[]
  /** Index in `items` of each click of the session, most recent first. */
  clicks: Int32Array
  /** Steps of the session so far that returned to an item it had already clicked. */
  returns: number
}

/** Reads the rows of the session's last `maxDepth` distinct items once. */
export function prepareSession(trail: readonly string[], rows: RowLookup, maxDepth: number): PreparedSession {
  const items: string[] = []
  const slots = new Map<string, number>()
  const slot = (item: string) => {
    let i = slots.get(item)
    if (i === undefined) slots.set(item, (i = items.push(item) - 1))
    return i
  }
  let returns = 0
  for (const item of trail) {
    if (slots.has(item)) returns++
    else slot(item)
  }
  const clicks = new Int32Array(trail.length)
  for (let i = trail.length - 1, j = 0; i >= 0; i--, j++) clicks[j] = slot(trail[i]!)
  const context: ContextRow[] = []
  const seen = new Set<string>()
  for (let i = trail.length - 1; i >= 0 && context.length < maxDepth; i--) {
    const from = trail[i]!
    if (seen.has(from)) continue
    seen.add(from)
    const row = rows(from)
    const blend = row?.related ?? (row ? { total: row.total, items: row.next } : undefined)
    const entries = blend && blend.total > 0 ? blend.items : []
    const index = new Int32Array(entries.length)
    const share = new Float64Array(entries.length)
    entries.forEach(([item, value], j) => {
      index[j] = slot(item)
      share[j] = value / blend!.total
    })
    context.push({ from, row, index, share })
  }
  return { items, context, clicks, returns }
}

/**
 * The two channels mixed: explore — each recent item's row shares, weighted by recency
 * (`decay` per step) and normalized by the weights of the rows present — and repeat — the
 * session's own clicks, each weighing `repeatDecay` per click back, normalized to sum 1 (so an
 * item clicked often and lately scores most) — as `(1 − r) · explore + r · repeatShare`, where r is
 * the site's `repeat` weight moved toward the session's own share of returns (`repeatPrior`).
 * Adds into `out` (one slot per `items`); RepeatNet's repeat/explore mixture at the cost of a sum.
 */
export function channelScores(session: PreparedSession, params: ChannelParams, out = new Float64Array(session.items.length)): Float64Array {
  const { depth, decay, repeatDecay, repeatPrior } = params
  const steps = session.clicks.length - 1
  // A site weight of 0 turns the channel off; otherwise the session's own returns move it.
  const repeat = params.repeat > 0 && steps > 0 ? (session.returns + repeatPrior * params.repeat) / (steps + repeatPrior) : params.repeat
  let present = 0
  let weight = 1
  const used = Math.min(depth, session.context.length)
  for (let d = 0; d < used; d++, weight *= decay) if (session.context[d]!.index.length > 0) present += weight
  if (present > 0 && repeat < 1) {
    weight = (1 - repeat) / present
    for (let d = 0; d < used; d++, weight *= decay) {
      const { index, share } = session.context[d]!
      for (let j = 0; j < index.length; j++) out[index[j]!]! += weight * share[j]!
    }
  }
  const { clicks } = session
  if (repeat > 0 && clicks.length > 0) {
    // Σ repeatDecay^i over the clicks, so the channel's shares sum to 1.
    const total = repeatDecay === 1 ? clicks.length : (1 - repeatDecay ** clicks.length) / (1 - repeatDecay)
    let w = repeat / total
    for (let i = 0; i < clicks.length && w > 1e-12; i++, w *= repeatDecay) out[clicks[i]!]! += w
  }
  return out
}
