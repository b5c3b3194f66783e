import { dict, type ItemAttributes } from '../protocol'

/** The session's own profile: what it has been looking at (computed on the device). */
export interface SessionProfile {
  /** Items of the trail whose attributes are known. */
  items: number
  /** Share of each category among them. */
  categories: Record<string, number>
  /** Mean and spread of their prices, when any has one. */
  price?: { mean: number; spread: number }
}

/** Looks up the attributes of an item. */
export type AttributeLookup = (item: string) => ItemAttributes | undefined

/** The profile of the session's last `depth` distinct items. */
export function sessionProfile(trail: readonly string[], attributes: AttributeLookup, depth = 10): SessionProfile {
  const seen = new Set<string>()
  // Categories come from the catalog: `constructor` or `__proto__` must count like any other.
  const categories = dict<number>()
  const prices: number[] = []
  let items = 0
  for (let i = trail.length - 1; i >= 0 && seen.size < depth; i--) {
    const item = trail[i]!
    if (seen.has(item)) continue
    seen.add(item)
    const attrs = attributes(item)
    if (!attrs) continue
    items++
    if (attrs.category !== undefined) categories[attrs.category] = (categories[attrs.category] ?? 0) + 1
    if (attrs.price !== undefined) prices.push(attrs.price)
  }
  const counted = Object.values(categories).reduce((a, b) => a + b, 0)
  for (const c of Object.keys(categories)) categories[c]! /= counted
  const profile: SessionProfile = { items, categories }
  if (prices.length > 0) {
    const mean = prices.reduce((a, b) => a + b, 0) / prices.length
    const variance = prices.reduce((a, p) => a + (p - mean) ** 2, 0) / prices.length
    // A single price says little about the range: allow a quarter of it either way.
    profile.price = { mean, spread: Math.max(Math.sqrt(variance), mean * 0.25, 1) }
  }
  return profile
}

/** How well an item fits the profile, from 0 to 1: its category's share and its price's closeness. */
export function affinity(profile: SessionProfile, attrs: ItemAttributes): number {
  const parts: number[] = []
  const { categories } = profile
  // The profile may have crossed to the page (a plain object again): read own keys only.
  if (attrs.category !== undefined && Object.keys(categories).length > 0) parts.push(Object.hasOwn(categories, attrs.category) ? categories[attrs.category]! : 0)
  if (attrs.price !== undefined && profile.price) {
    const z = (attrs.price - profile.price.mean) / profile.price.spread
    parts.push(Math.exp(-0.5 * z * z))
  }
  return parts.length === 0 ? 0 : parts.reduce((a, b) => a + b, 0) / parts.length
}
