import type { ChangeInfo, Ranked, Sequitur } from '@sequitur/sdk'
import { describe, expect, it } from 'vitest'
import { watchRanking } from './watch-ranking.js'

/** A stand-in for the SDK whose `rerank` answers only when the test says so. */
function fakeSequitur() {
  const listeners = new Set<(change: ChangeInfo) => void>()
  const calls: Array<{ items: string[]; answer: (order: string[]) => void; fail: (error: Error) => void }> = []
  const sequitur: Pick<Sequitur, 'rerank' | 'onChange'> = {
    rerank: (items) =>
      new Promise<Ranked[]>((resolve, reject) =>
        calls.push({ items, answer: (order) => resolve(order.map((item) => ({ item, score: 0, reasons: [] }))), fail: reject }),
      ),
    onChange(listener) {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
  }
  const change = () => listeners.forEach((listener) => listener({ reason: 'rows' }))
  return { sequitur, calls, listeners, change }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0))

describe('watchRanking', () => {
  it('ranks the ids at once and again on every change of the model', async () => {
    const sdk = fakeSequitur()
    const orders: string[][] = []
    watchRanking(sdk.sequitur, ['a', 'b', 'c'], (order) => orders.push(order))
    await settle()
    expect(sdk.calls.map((call) => call.items)).toEqual([['a', 'b', 'c']])
    sdk.calls[0]!.answer(['a', 'b', 'c'])
    await settle()
    sdk.change()
    await settle()
    sdk.calls[1]!.answer(['c', 'a', 'b'])
    await settle()
    expect(orders).toEqual([
      ['a', 'b', 'c'],
      ['c', 'a', 'b'],
    ])
  })

  it('drops an answer that a newer request overtook, so an outdated order never shows', async () => {
    const sdk = fakeSequitur()
    const orders: string[][] = []
    watchRanking(sdk.sequitur, ['a', 'b'], (order) => orders.push(order))
    await settle()
    sdk.change()
    await settle()
    sdk.calls[1]!.answer(['b', 'a'])
    await settle()
    sdk.calls[0]!.answer(['a', 'b'])
    await settle()
    expect(orders).toEqual([['b', 'a']])
  })

  it('delivers nothing and unsubscribes once stopped', async () => {
    const sdk = fakeSequitur()
    const orders: string[][] = []
    const stop = watchRanking(sdk.sequitur, ['a', 'b'], (order) => orders.push(order))
    await settle()
    stop()
    sdk.calls[0]!.answer(['b', 'a'])
    await settle()
    expect(orders).toEqual([])
    expect(sdk.listeners.size).toBe(0)
  })

  it('keeps the shown order when a ranking fails', async () => {
    const sdk = fakeSequitur()
    const orders: string[][] = []
    watchRanking(sdk.sequitur, ['a', 'b'], (order) => orders.push(order))
    await settle()
    sdk.calls[0]!.fail(new Error('worker gone'))
    await settle()
    expect(orders).toEqual([])
  })
})
