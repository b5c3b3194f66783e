import { drawCategory } from './category-art'
import type { Product } from './catalog'
import { shade, tint } from './colors'
import { escapeHtml } from './html'

/** How to render a product picture. */
export interface ProductSvgOptions {
  /** An accessible name; without it the picture is decorative (`aria-hidden`). */
  title?: string
}

function hash(text: string): number {
  let h = 2166136261
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619)
  return h >>> 0
}

/** The product's picture as an SVG string (200 × 150, no external resources), drawn from its category and colour. */
export function renderProductSvg(product: Pick<Product, 'id' | 'category' | 'color'>, options: ProductSvgOptions = {}): string {
  const main = product.color
  const h = hash(product.id)
  // A backdrop circle placed per product, so neighbours of one category do not look stamped.
  const cx = 60 + (h % 80)
  const cy = 50 + ((h >> 8) % 40)
  const r = 46 + ((h >> 16) % 18)
  const label = options.title
    ? `role="img" aria-label="${escapeHtml(options.title)}"`
    : 'aria-hidden="true" focusable="false"'
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 150" ${label}>` +
    `<rect width="200" height="150" fill="${tint(main)}"/>` +
    `<circle cx="${cx}" cy="${cy}" r="${r}" fill="${tint(main, 0.74)}"/>` +
    `<ellipse cx="100" cy="126" rx="60" ry="6" fill="${shade(main, 0.5)}" opacity=".12"/>` +
    drawCategory(product.category, { main, dark: shade(main) }) +
    `</svg>`
}
