import { dict, dictOf, type CatalogItem } from '@sequitur/sdk/protocol'

/** Running count, mean and sum of squared deviations (Welford) of a numeric attribute. */
export interface Moments {
  n: number
  mean: number
  m2: number
}

/**
 * One user's interactions of one day, by attribute (mobile.de's daily profile). Its maps are keyed by
 * catalog attribute names and values: `dict()`s (see `withDicts` for one read back from storage).
 */
export interface DailyProfile {
  /** Categorical attributes: dimension → value → count. */
  counts: Record<string, Record<string, number>>
  /** Numeric attributes: dimension → moments. */
  numbers: Record<string, Moments>
}

/** A profile with nothing in it. */
export const emptyProfile = (): DailyProfile => ({ counts: dict(), numbers: dict() })

/**
 * The profile, its maps made `dict()`s in place. One read back from JSON or msgpack holds plain
 * objects, where `counts['__proto__'] = …` would set a prototype and `numbers['constructor']` read `Object`.
 */
export function withDicts(profile: DailyProfile): DailyProfile {
  if (Object.getPrototypeOf(profile.counts) !== null) {
    const counts = dict<Record<string, number>>()
    for (const [dimension, values] of Object.entries(profile.counts)) counts[dimension] = dictOf(values)
    profile.counts = counts
  }
  if (Object.getPrototypeOf(profile.numbers) !== null) profile.numbers = dictOf(profile.numbers)
  return profile
}

/** The attributes of an item as (dimension, value) pairs: text is categorical, numbers numeric. */
export function attributesOf(item: CatalogItem): Array<[string, string | number]> {
  const out: Array<[string, string | number]> = []
  if (item.category !== undefined) out.push(['category', item.category])
  if (item.brand !== undefined) out.push(['brand', item.brand])
  if (item.color !== undefined) out.push(['color', item.color])
  if (item.price !== undefined) out.push(['price', item.price])
  for (const [name, value] of Object.entries(item.attrs ?? {})) out.push([name, value])
  return out
}

/** Adds one interaction with `item` to the day's profile. */
export function observeItem(profile: DailyProfile, item: CatalogItem): void {
  const { counts, numbers } = withDicts(profile)
  for (const [dimension, value] of attributesOf(item)) {
    if (typeof value === 'number') {
      const m = (numbers[dimension] ??= { n: 0, mean: 0, m2: 0 })
      m.n += 1
      const delta = value - m.mean
      m.mean += delta / m.n
      m.m2 += delta * (value - m.mean)
    } else {
      const values = (counts[dimension] ??= dict())
      values[value] = (values[value] ?? 0) + 1
    }
  }
}
