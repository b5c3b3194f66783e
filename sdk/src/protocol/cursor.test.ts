import { describe, expect, it } from 'vitest'
import { formatCursor, MAX_CURSOR_LENGTH, mergeCursors, parseCursor } from './cursor'

describe('stream cursor', () => {
  it('parses and formats the next offset of each partition', () => {
    expect(parseCursor('0')).toEqual([0])
    expect(parseCursor('12.0.7')).toEqual([12, 0, 7])
    expect(parseCursor('007')).toEqual([7])
    expect(formatCursor([12, 0, 7])).toBe('12.0.7')
    expect(parseCursor(formatCursor([9007199254740991, 1]))).toEqual([9007199254740991, 1])
    const widest = Array(1024).fill('9999999999999').join('.')
    expect(parseCursor(widest)).toHaveLength(1024)
  })

  it('refuses what is not one', () => {
    const hostile = ['', '.', '1.', '.1', '1..2', '-1', '+1', '1e3', '1.5e2x', ' 1', '1 ', '0x1', '١', '1,2', '9007199254740992', '1'.repeat(17)]
    for (const s of hostile) expect(parseCursor(s), s).toBeUndefined()
    expect(parseCursor(Array(1025).fill('0').join('.'))).toBeUndefined()
    expect(parseCursor('1'.repeat(MAX_CURSOR_LENGTH + 1))).toBeUndefined()
    // A long string of dots and digits that is no cursor is refused in linear time.
    expect(parseCursor(`${'1.'.repeat(8000)}.`)).toBeUndefined()
  })

  it('merges element-wise, a partition one lacks counting as 0', () => {
    expect(mergeCursors([3, 0, 9], [4, 2, 1])).toEqual([4, 2, 9])
    expect(mergeCursors([5], [1, 2, 3])).toEqual([5, 2, 3])
    expect(mergeCursors([], [])).toEqual([])
  })
})
