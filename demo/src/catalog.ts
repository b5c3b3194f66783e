import { seededRandom, shuffled } from './random'

export { renderProductSvg } from './product-art'
export type { ProductSvgOptions } from './product-art'

/** The categories of the demo shop. */
export const CATEGORIES = ['shoes', 'jackets', 'bags', 'watches', 'lamps', 'mugs', 'plants', 'headphones'] as const

/** One of the demo shop's categories. */
export type Category = (typeof CATEGORIES)[number]

/** A product of the demo shop: plain data, safe to load from the server too. */
export interface Product {
  /** `P1` … `P200`, in page order. */
  id: string
  /** Colour word + product noun, e.g. "Coral Runner". */
  name: string
  category: Category
  /** Price in US dollars, whole numbers. */
  price: number
  /** The product's main colour as `#rrggbb`; its picture is drawn in it. */
  color: string
}

const COLORS: readonly (readonly [name: string, hex: string])[] = [
  ['Coral', '#ef6f5e'],
  ['Sage', '#7fa37a'],
  ['Midnight', '#2e3d6b'],
  ['Amber', '#eea23b'],
  ['Teal', '#2a9d8f'],
  ['Rose', '#e08aa5'],
  ['Slate', '#5b6c7d'],
  ['Plum', '#7d4e7d'],
  ['Sky', '#5aa9e6'],
  ['Mustard', '#d4ab2f'],
  ['Terracotta', '#c8643b'],
  ['Forest', '#2f6b4f'],
]

const NOUNS: Record<Category, readonly string[]> = {
  shoes: ['Runner', 'Sneaker', 'Trainer', 'Court Shoe', 'Trail Shoe'],
  jackets: ['Parka', 'Bomber', 'Windbreaker', 'Rain Jacket', 'Shell Jacket'],
  bags: ['Tote', 'Shopper', 'Market Bag', 'Carryall', 'Beach Tote'],
  watches: ['Chrono', 'Diver', 'Field Watch', 'Dress Watch', 'Pilot Watch'],
  lamps: ['Desk Lamp', 'Task Lamp', 'Reading Lamp', 'Studio Lamp', 'Bedside Lamp'],
  mugs: ['Mug', 'Latte Mug', 'Camp Mug', 'Tea Mug', 'Diner Mug'],
  plants: ['Fern', 'Monstera', 'Pothos', 'Snake Plant', 'Rubber Plant'],
  headphones: ['Studio Cans', 'Over-Ears', 'Travel Headset', 'DJ Headphones', 'Quiet Headphones'],
}

const PRICES: Record<Category, readonly [min: number, max: number]> = {
  shoes: [59, 179],
  jackets: [89, 289],
  bags: [29, 149],
  watches: [99, 449],
  lamps: [39, 189],
  mugs: [12, 34],
  plants: [18, 79],
  headphones: [49, 349],
}

/** The arguments of `buildCatalog()`. */
export interface CatalogOptions {
  /** How many products of each category. */
  perCategory?: number
  /** Seed of the generator: the same seed always yields the same catalog. */
  seed?: number
}

/** Generates the catalog deterministically: ids `P1` … `Pn` in page order, categories interleaved. */
export function buildCatalog({ perCategory = 25, seed = 20_250_611 }: CatalogOptions = {}): Product[] {
  const random = seededRandom(seed)
  const drafts: Omit<Product, 'id'>[] = []
  for (const category of CATEGORIES) {
    const combos = COLORS.flatMap((color) => NOUNS[category].map((noun) => [color, noun] as const))
    const [min, max] = PRICES[category]
    for (const [[colorName, hex], noun] of shuffled(combos, random).slice(0, perCategory)) {
      // Shop prices: $17, $23 below fifty, $79, $149 above.
      const raw = min + random() * (max - min)
      const step = raw < 50 ? 2 : 10
      const price = Math.max(min, Math.round(raw / step) * step - 1)
      drafts.push({ name: `${colorName} ${noun}`, category, price, color: hex })
    }
  }
  return shuffled(drafts, random).map((draft, index) => ({ id: `P${index + 1}`, ...draft }))
}

/** The demo shop's 200 products, `P1` … `P200` in page order. */
export const catalog: readonly Readonly<Product>[] = Object.freeze(buildCatalog().map((p) => Object.freeze(p)))

/** A lookup of products by id. */
export function indexCatalog(products: readonly Product[] = catalog): ReadonlyMap<string, Product> {
  return new Map(products.map((product) => [product.id, product]))
}

/** The category as shown to people, e.g. "Headphones". */
export function categoryLabel(category: Category): string {
  return category.charAt(0).toUpperCase() + category.slice(1)
}
