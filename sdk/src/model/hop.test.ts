import { describe, expect, it } from 'vitest'
import type { ModelRow } from '../protocol'
import { hopOf, hubsOf, HUBS } from './hop'

describe('the second hop', () => {
  const last: ModelRow = { total: 4, next: [], related: { total: 4, items: [['H1', 3], ['H2', 1]] } }
  const rows = new Map<string, ModelRow>([
    ['H1', { total: 2, next: [], related: { total: 2, items: [['Z', 1], ['Y', 1]] } }],
    ['H2', { total: 2, next: [['Z', 2]] }],
  ])

  it('weighs each hub by its share of the hubs, and names the hub that gives an item most as its reason', () => {
    const parts = hopOf(last, (item) => rows.get(item))
    // Z: 3/4 · 1/2 through H1 and 1/4 · 1 through H2; H1 gives more (3/8 against 1/4).
    expect(parts.get('Z')).toEqual({ value: 5 / 8, from: 'H1', count: 1, total: 2, weight: 0.75 })
    expect(parts.get('Y')).toEqual({ value: 3 / 8, from: 'H1', count: 1, total: 2, weight: 0.75 })
    expect([...parts.keys()].sort()).toEqual(['Y', 'Z'])
  })

  it('keeps one table while the rows are the same, and makes it again when a hub’s row is replaced', () => {
    const lookup = (item: string) => rows.get(item)
    const first = hopOf(last, lookup)
    expect(hopOf(last, lookup)).toBe(first)
    rows.set('H2', { total: 1, next: [['X', 1]] })
    const again = hopOf(last, lookup)
    expect(again).not.toBe(first)
    expect(again.get('X')).toMatchObject({ value: 0.25, from: 'H2' })
    expect(again.get('Z')).toMatchObject({ value: 3 / 8 })
  })

  it(`walks through the first ${HUBS} items of the row`, () => {
    const wide: ModelRow = { total: 30, next: [], related: { total: 30, items: Array.from({ length: 15 }, (_, i) => [`I${i}`, 15 - i] as [string, number]) } }
    expect(hubsOf(wide)).toEqual(Array.from({ length: HUBS }, (_, i) => `I${i}`))
    expect(hubsOf(undefined)).toEqual([])
  })
})
