import { describe, expect, it } from 'vitest'
import { buildCatalog, catalog, CATEGORIES, renderProductSvg } from './catalog'

describe('catalog', () => {
  it('holds P1 … P200 in page order', () => {
    expect(catalog.map((p) => p.id)).toEqual(Array.from({ length: 200 }, (_, i) => `P${i + 1}`))
  })

  it('is the same on every build', () => {
    expect(buildCatalog()).toEqual(catalog)
  })

  it('has 25 products of each category with unique names', () => {
    for (const category of CATEGORIES) expect(catalog.filter((p) => p.category === category)).toHaveLength(25)
    expect(new Set(catalog.map((p) => p.name)).size).toBe(200)
  })

  it('renders a self-contained SVG', () => {
    const svg = renderProductSvg(catalog[0]!)
    expect(svg).toMatch(/^<svg [^>]*viewBox="0 0 200 150"/)
    expect(svg).not.toMatch(/href|url\(/)
  })
})
