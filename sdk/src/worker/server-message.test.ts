import { describe, expect, it } from 'vitest'
import { isRow, isServerMessage } from './server-message'

describe('isServerMessage', () => {
  it('accepts the three server messages', () => {
    expect(isServerMessage({ type: 'hello', protocol: 1, version: 0 })).toBe(true)
    expect(isServerMessage({ type: 'rows', site: 'demo', version: 3, rows: { a: null } })).toBe(true)
    expect(isServerMessage({ type: 'rows', site: 'demo', version: 3, rows: {}, cursor: '3.1', epoch: 'k7', partition: 1 })).toBe(true)
    expect(isServerMessage({ type: 'error', error: 'bad', code: 'invalid_message' })).toBe(true)
  })

  it('rejects anything else', () => {
    for (const value of [null, 'rows', { type: 'rows', site: 'demo', rows: {} }, { type: 'push' }, { type: 'hello' }, { type: 'rows', site: 'demo', version: 3, rows: {}, cursor: '3', epoch: 7 }]) {
      expect(isServerMessage(value)).toBe(false)
    }
  })
})

describe('isRow', () => {
  it('accepts a row and rejects a malformed one', () => {
    expect(isRow({ total: 3, next: [['b', 2]] })).toBe(true)
    expect(isRow({ total: 3, next: [['b', '2']] })).toBe(false)
    expect(isRow({ total: 3 })).toBe(false)
  })
})
