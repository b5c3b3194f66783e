import { describe, expect, it } from 'vitest'
import { advancePosition, formatCursor, formatPosition, MAX_CURSOR_LENGTH, mergeCursors, parseCursor, parsePosition, positionOf } from './cursor'

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

  it('keeps a position per rows log: merged on the same epoch, replaced from another', () => {
    expect(positionOf('4.1', 'k7')).toEqual({ offsets: [4, 1], epoch: 'k7' })
    expect(positionOf('4.1', undefined)).toEqual({ offsets: [4, 1] })
    expect(positionOf('4.1', 'a:b')).toBeUndefined()
    expect(positionOf('4.x', 'k7')).toBeUndefined()
    expect(positionOf(undefined, 'k7')).toBeUndefined()
    const held = { offsets: [4, 9], epoch: 'k7' }
    expect(advancePosition(held, { offsets: [6, 2], epoch: 'k7' })).toEqual({ offsets: [6, 9], epoch: 'k7' })
    // Another log's offsets are not comparable: the new one replaces what was held.
    expect(advancePosition(held, { offsets: [1, 0], epoch: 'q2' })).toEqual({ offsets: [1, 0], epoch: 'q2' })
    expect(advancePosition({ offsets: [8] }, { offsets: [1], epoch: 'q2' })).toEqual({ offsets: [1], epoch: 'q2' })
    expect(advancePosition(undefined, { offsets: [1] })).toEqual({ offsets: [1] })
  })

  it('stores a position as one string, and reads a stored cursor of no epoch', () => {
    expect(formatPosition({ offsets: [6, 9], epoch: 'k7' })).toBe('k7:6.9')
    expect(parsePosition('k7:6.9')).toEqual({ offsets: [6, 9], epoch: 'k7' })
    expect(parsePosition('6.9')).toEqual({ offsets: [6, 9] })
    expect(parsePosition(formatPosition({ offsets: [3] }))).toEqual({ offsets: [3] })
    for (const bad of ['', ':', 'k7:', ':6', 'a:b:6', 'k 7:6']) expect(parsePosition(bad), bad).toBeUndefined()
  })
})
