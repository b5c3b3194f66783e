import type { Category } from './catalog'

const BLURBS: Record<Category, string> = {
  shoes: 'Light, cushioned and ready for long city walks.',
  jackets: 'Keeps the wind out and packs down small.',
  bags: 'Roomy enough for the market run, neat enough for the office.',
  watches: 'A clean dial you can read at a glance.',
  lamps: 'Warm, glare-free light where you need it.',
  mugs: 'Stoneware that keeps your coffee warm a little longer.',
  plants: 'Easy-going greenery that forgives a missed watering.',
  headphones: 'Rich sound, soft cushions, all-day comfort.',
}

/** One line of shop copy for a product of `category`. */
export function blurb(category: Category): string {
  return BLURBS[category]
}
