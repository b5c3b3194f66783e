import { categoryLabel, type Category } from './catalog'
import type { Sequitur } from './sdk-types'
import { attempt } from './sequitur-ready'

/** The session's profile in words, e.g. "Lamps 67% · Mugs 33% · around $28": what the SDK blends in. */
export function describeProfile(profile: Awaited<ReturnType<Sequitur['profile']>>): string {
  if (profile.items === 0) return 'Nothing yet.'
  const categories = Object.entries(profile.categories)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([category, share]) => `${categoryLabel(category as Category)} ${Math.round(share * 100)}%`)
  const price = profile.price ? [`around $${Math.round(profile.price.mean)}`] : []
  return [...categories, ...price].join(' · ')
}

/** Keeps `#session-profile` in step with the SDK. */
export function showSessionProfile(root: HTMLElement, sequitur: Sequitur): () => void {
  let request = 0
  const refresh = async () => {
    const mine = ++request
    const profile = await attempt(() => sequitur.profile(), undefined)
    if (profile && mine === request) root.textContent = describeProfile(profile)
  }
  void refresh()
  return sequitur.onChange(() => void refresh())
}
