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

/** The second round's answers to `ask`: each partition's hubs rows (from `rows`), as stage 2 sends them. */
function answers(ask: Array<{ partition: number; request: { site: string; from: number; offset: number; k: number; chunk: number; chunks: number; items: string[] } }>, rows: Record<string, ModelRow> = {}): ValidationPart[] {
  return ask.map(({ partition, request: r }) => ({
    kind: 'hubs',
    site: r.site,
    from: r.from,
    offset: r.offset,
    k: r.k,
    partition,
    request: r.chunk,
    requests: r.chunks,
    chunk: 0,
    chunks: 1,
    rows: r.items.filter((item) => rows[item]).map((item) => [item, rows[item]!] as [string, ModelRow]),
  }))
}

/** Adds `parts`, then answers a second round when asked; returns what the last part completed. */
function addAll(gather: ValidationGather, parts: ValidationPart[], at = 0) {
  let done: ReturnType<ValidationGather['add']>
  parts.forEach((part, i) => {
    done = gather.add(part, at + i)
    if (done && 'ask' in done) for (const answer of answers(done.ask)) done = gather.add(answer, at + i)
  })
  return done
}

const run = (done: ReturnType<ValidationGather['add']>) => (done && 'run' in done ? done.run() : undefined)

describe('ValidationGather', () => {
  it('completes a request once every chunk of the sessions and of each partition is in, whatever their order, once', () => {
    const gather = new ValidationGather()
    const parts = request(10).reverse()
    const done = parts.map((part, i) => gather.add(part, i))
    expect(done.slice(0, -1)).toEqual([undefined, undefined, undefined, undefined])
    // The first round is in: the second is asked of every partition, for the hub B (A's row names it; its row is not in).
    const ask = done.at(-1)!
    const second = (partition: number, items: string[]) => ({ partition, request: { site: 'shop', day: 10, from: 0, offset: 10, k: 0, chunk: 0, chunks: 1, items } })
    expect(ask).toEqual({ site: 'shop', ask: [second(0, ['B']), second(1, [])] })
    const [zero, one] = answers('ask' in ask ? ask.ask : [])
    expect(gather.add(zero!, 5)).toBeUndefined()
    // A → B hits (rank 1), A → C misses: the sessions of both chunks were scored.
    expect(run(gather.add(one!, 6))).toMatchObject({ day: 10, cases: 2, hr: 0.5, sessions: 2 })
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
    expect(run(addAll(gather, later.slice(1), 106))).toMatchObject({ day: 20 })
    expect(gather.firstPending()).toBeUndefined()
    expect(old.slice(1).map((part, i) => gather.add(part, 200 + i)).filter(Boolean)).toEqual([])
  })

  it('forgets a removed site: its open requests go and its result is a removal', () => {
    const gather = new ValidationGather()
    gather.add(request(10)[0]!, 1)
    expect(run(gather.add({ kind: 'forget', site: 'shop', from: 0, offset: 11, k: -1 }, 2))).toBeNull()
    expect(gather.firstPending()).toBeUndefined()
  })

  it('asks the second round for the hubs the first round’s rows name and lacks, of the partition owning each, and scores with their rows', () => {
    const gather = new ValidationGather({ partitionOf: (_site, item) => (item === 'H' ? 1 : 0) })
    const id = { site: 'shop', from: 0, offset: 3, k: 0 }
    const parts: ValidationPart[] = [
      { kind: 'sessions', ...id, day: 7, partitions: 2, chunk: 0, chunks: 1, sessions: [['A', 'Z']] },
      { kind: 'rows', ...id, partition: 0, request: 0, requests: 1, chunk: 0, chunks: 1, rows: [['A', { total: 3, next: [['H', 2], ['A', 1]] }]] },
      { kind: 'rows', ...id, partition: 1, request: 0, requests: 1, chunk: 0, chunks: 1, rows: [] },
    ]
    const done = parts.map((part, i) => gather.add(part, i)).at(-1)!
    const ask = 'ask' in done ? done.ask : []
    expect(ask.map(({ partition, request }) => [partition, request.items])).toEqual([[0, []], [1, ['H']]])
    // H's row names Z, the label: only the hop can rank it.
    const result = run(answers(ask, { H: { total: 1, next: [['Z', 1]] } }).map((part, i) => gather.add(part, 10 + i)).at(-1))
    expect(result).toMatchObject({ day: 7, cases: 1 })
    expect(result!.hr).toBe(1)
  })
})

