import { describe, expect, it } from 'vitest'
import { RowCounts } from './row-counts'

const options = { windowDays: 60, topK: 2, relatedK: 2 }
/** Counts with a window of 3 days, ending on day 10. */
const threeDays = () => {
  const counts = new RowCounts({ ...options, windowDays: 3 })
  counts.advance(10)
  return counts
}

describe('RowCounts.rowsBefore', () => {
  it('derives the rows as they were before a day from the daily buckets', () => {
    const counts = new RowCounts(options)
    const before = new RowCounts(options)
    for (const c of [counts, before]) {
      c.advance(10)
      c.add('next', 'A', 'B', 9, 3)
      c.add('next', 'A', 'C', 9, 2)
      c.add('related', 'A', 'B', 10 - 1, 30)
    }
    counts.advance(10)
    counts.add('next', 'A', 'D', 10, 5)
    counts.add('next', 'A', 'C', 10, 2)
    counts.add('related', 'A', 'D', 10, 60)
    counts.add('next', 'E', 'A', 10, 1)
    counts.advance(11)
    counts.add('next', 'A', 'F', 11, 7)
    expect(counts.row('A')).toEqual({ total: 19, next: [['F', 7], ['D', 5]], related: { total: 90, items: [['D', 60], ['B', 30]] } })
    const without = counts.rowsBefore(10)
    expect(without('A')).toEqual(before.row('A'))
    expect(without('E')).toBeUndefined()
    expect(without('Z')).toBeUndefined()
  })

  it('reads the days still inside the window once the next day began (validationFrom), not the one leaving', () => {
    const counts = threeDays()
    // The window on day 10 is 8–10; on day 11 it is 9–11: rows before day 10 read day 9 only.
    counts.add('next', 'A', 'B', 8, 4)
    counts.add('next', 'A', 'C', 9, 1)
    counts.add('next', 'A', 'D', 10, 9)
    expect(counts.rowsBefore(10)('A')).toEqual({ total: 1, next: [['C', 1]] })
    counts.advance(11)
    expect(counts.rowsBefore(10)('A')).toEqual({ total: 1, next: [['C', 1]] })
  })

  it('keeps the cells a pending validation reads when they leave the window, and lets them go after', () => {
    const counts = threeDays()
    counts.add('next', 'A', 'B', 9, 4)
    counts.add('next', 'A', 'C', 9, 1)
    counts.add('related', 'A', 'B', 9, 30)
    counts.advance(11)
    counts.add('next', 'A', 'C', 11, 6)
    const before = counts.rowsBefore(10)('A')
    expect(before).toEqual({ total: 5, next: [['B', 4], ['C', 1]], related: { total: 30, items: [['B', 30]] } })
    const dropped: string[] = []
    const record = (kind: string, src: string, dst: string, day: number) => void dropped.push(`${kind} ${src} ${dst} ${day}`)
    counts.keepFrom(9, record)
    // Day 12 moves the window to 10–12: day 9 leaves the rows, and the validation still reads it.
    counts.advance(12, record)
    expect(counts.row('A')).toEqual({ total: 6, next: [['C', 6]] })
    expect(counts.rowsBefore(10)('A')).toEqual(before)
    expect(dropped).toEqual([])
    counts.keepFrom(Infinity, record)
    expect(dropped.sort()).toEqual(['next A B 9', 'next A C 9', 'related A B 9'])
    expect(counts.rowsBefore(10)('A')).toBeUndefined()
  })
})

