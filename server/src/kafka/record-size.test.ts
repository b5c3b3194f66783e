import { pack, unpack } from 'msgpackr'
import { describe, expect, it } from 'vitest'
import { packInChunks, sendWaves } from './record-size'

describe('record sizes', () => {
  it('pack a list in as few values as fit, in order', () => {
    const items = Array.from({ length: 1000 }, (_, i) => ({ i, pad: 'x'.repeat(90) }))
    expect(packInChunks(items, pack, 1 << 20)).toHaveLength(1)
    const chunks = packInChunks(items, pack, 20_000)
    expect(chunks.length).toBeGreaterThan(4)
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(20_000)
    expect(chunks.flatMap((c) => unpack(c) as unknown[])).toEqual(items)
    const huge = [{ pad: 'x'.repeat(30_000) }]
    expect(packInChunks(huge, pack, 20_000)).toHaveLength(1)
  })

  it('split a send so that each partition gets at most the limit per request, in order', () => {
    const m = (partition: number | undefined, i: number, bytes: number) => ({ partition, key: String(i), value: Buffer.alloc(bytes) })
    const send = [
      { topic: 'a', messages: [m(0, 1, 600), m(1, 2, 100), m(0, 3, 600), m(0, 4, 100)] },
      { topic: 'b', messages: [m(undefined, 5, 900), m(undefined, 6, 900), m(0, 7, 10)] },
    ]
    const waves = sendWaves(send, 1000)
    expect(waves.map((w) => w.map((t) => `${t.topic}:${t.messages.map((x) => x.key).join(',')}`))).toEqual([
      ['a:1,2', 'b:5,7'],
      ['a:3,4', 'b:6'],
    ])
    for (const w of waves) {
      for (const t of w) {
        const per = new Map<string, number>()
        for (const x of t.messages) per.set(String(x.partition), (per.get(String(x.partition)) ?? 0) + (x.value?.length ?? 0))
        for (const bytes of per.values()) expect(bytes).toBeLessThanOrEqual(1000)
      }
    }
    expect(sendWaves([{ topic: 'a', messages: [m(0, 1, 5000)] }], 1000)).toHaveLength(1)
  })
})

