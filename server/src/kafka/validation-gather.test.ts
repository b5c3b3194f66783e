import type { ModelRow } from '@sequitur/sdk/protocol'
import { describe, expect, it } from 'vitest'
import { ValidationGather } from './validation-gather'
import type { ValidationPart } from './validation-parts'

const row: ModelRow = { total: 2, next: [['B', 2]] }
/** The parts of one request of `shop` at events offset `offset`: sessions in two chunks, partition 1's rows in two requests. */
function request(offset: number): ValidationPart[] {
  const id = { site: 'shop', from: 0, offset, k: 0 }
  return [
    { kind: 'sessions', ...id, day: offset, partitions: 2, chunk: 0, chunks: 2, sessions: [['A', 'B']] },
    { kind: 'sessions', ...id, day: offset, partitions: 2, chunk: 1, chunks: 2, sessions: [['A', 'C']] },
    { kind: 'rows', ...id, partition: 0, request: 0, requests: 1, chunk: 0, chunks: 1, rows: [['A', row]] },
    { kind: 'rows', ...id, partition: 1, request: 0, requests: 2, chunk: 0, chunks: 1, rows: [] },
    { kind: 'rows', ...id, partition: 1, request: 1, requests: 2, chunk: 0, chunks: 1, rows: [] },
  ]
}

describe('ValidationGather', () => {
  it('completes a request once every chunk of the sessions and of each partition is in, whatever their order, once', () => {
    const gather = new ValidationGather()
    const parts = request(10).reverse()
    const done = parts.map((part, i) => gather.add(part, i))
    expect(done.slice(0, -1)).toEqual([undefined, undefined, undefined, undefined])
    // A → B hits (rank 1), A → C misses: the sessions of both chunks were scored.
    expect(done.at(-1)!.run()).toMatchObject({ day: 10, cases: 2, hr: 0.5, sessions: 2 })
    expect(gather.firstPending()).toBeUndefined()
    // Delivered again (a re-read after a rebalance): nothing new.
    expect(parts.map((part, i) => gather.add(part, i)).filter(Boolean)).toEqual([])
    expect(gather.firstPending()).toBeUndefined()
  })

  it('holds its offset at the first part of a request still open, and drops older requests of the site once a later one completed', () => {
    const gather = new ValidationGather()
    const [old, later] = [request(10), request(20)]
    gather.add(old[0]!, 100)
    gather.add(later[0]!, 105)
    expect(gather.firstPending()).toBe(100)
    const done = later.slice(1).map((part, i) => gather.add(part, 106 + i))
    expect(done.at(-1)!.run()).toMatchObject({ day: 20 })
    expect(gather.firstPending()).toBeUndefined()
    expect(old.slice(1).map((part, i) => gather.add(part, 200 + i)).filter(Boolean)).toEqual([])
  })

  it('forgets a removed site: its open requests go and its result is a removal', () => {
    const gather = new ValidationGather()
    gather.add(request(10)[0]!, 1)
    expect(gather.add({ kind: 'forget', site: 'shop', from: 0, offset: 11, k: -1 }, 2)!.run()).toBeNull()
    expect(gather.firstPending()).toBeUndefined()
  })
})
