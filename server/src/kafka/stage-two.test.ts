import { pack } from 'msgpackr'
import { describe, expect, it } from 'vitest'
import { decodeEvents, encodeEvents, type SiteEvent } from './event-records'
import { KINDS, readStageTwo, StageTwoWriter, type StageTwoRecord } from './stage-two'

/** The records of increments values, as objects. */
function read(values: Buffer[]): StageTwoRecord[] {
  const out: StageTwoRecord[] = []
  for (const value of values) {
    readStageTwo(value, {
      row: (site, src, ts, from, offset, k, cells, at, count) => {
        const adds: Array<[(typeof KINDS)[number], string, number, number]> = []
        for (let j = at; j < at + 4 * count; j += 4) adds.push([KINDS[cells[j] as number]!, cells[j + 1] as string, cells[j + 2] as number, cells[j + 3] as number])
        out.push({ type: 'row', site, src, adds, ts, from, offset, k })
      },
      take: (r) => out.push(r),
      profile: (r) => out.push(r),
    })
  }
  return out
}

/** Writes `records` (all of one events partition) as a writer does. */
function write(records: StageTwoRecord[], max?: number, cut?: number): Buffer[] {
  const writer = new StageTwoWriter(records[0]!.from, cut)
  for (const r of records) {
    if (r.type === 'row') {
      writer.row(r.site, r.src, r.ts, r.offset, r.k)
      for (const [kind, dst, day, n] of r.adds) writer.cell(kind, dst, day, n)
    } else if (r.type === 'take') writer.take(r.site, r.kind, r.item, r.list, r.ts, r.offset, r.k)
    else writer.profile(r.site, r.user, r.day, r.item, r.ts, r.offset, r.k)
  }
  return writer.encode(max)
}

describe('the records between the Kafka stages', () => {
  const records: StageTwoRecord[] = [
    { type: 'row', site: 'demo', src: 'A', adds: [['next', 'B', 20_000, 1], ['related', 'C', 20_000, 30]], ts: 1, from: 2, offset: 10, k: 0 },
    { type: 'take', site: 'demo', kind: 'impression', item: 'A', list: 'home', ts: 2, from: 2, offset: 11, k: 0 },
    { type: 'take', site: 'demo', kind: 'click', item: 'B', ts: 3, from: 2, offset: 11, k: 1 },
    { type: 'profile', site: 'demo', user: 'u1', day: 20_000, item: { id: 'A', category: 'shoes', price: 30 }, ts: 4, from: 2, offset: 12, k: 2 },
    { type: 'row', site: 'other', src: 'Z', adds: [], ts: 5, from: 2, offset: 13, k: 0 },
  ]

  it('carry every kind of stage-two record and back, in order', () => {
    const values = write(records)
    expect(values).toHaveLength(1)
    expect(read(values)).toEqual(records)
  })

  it('cut values too large for one Kafka record between records, in order: as written, or when packed if the estimate fell short', () => {
    const many = Array.from({ length: 40 }, (_, i) => records.map((r) => ({ ...r, offset: r.offset + 100 * i })) as StageTwoRecord[]).flat()
    for (const cut of [300, Infinity]) {
      const values = write(many, 400, cut)
      expect(values.length).toBeGreaterThan(4)
      for (const value of values) expect(value.length).toBeLessThanOrEqual(400)
      expect(read(values)).toEqual(many)
    }
  })

  it('still read the forms of earlier versions: one array per record, and one object per value', () => {
    const tuples = pack([
      [0, 'demo', 'A', 1, 2, 10, 0, 0, 'B', 20_000, 1, 1, 'C', 20_000, 30],
      [1, 'demo', 0, 'A', 'home', 2, 2, 11, 0],
      [1, 'demo', 1, 'B', null, 3, 2, 11, 1],
      [2, 'demo', 'u1', 20_000, { id: 'A', category: 'shoes', price: 30 }, 4, 2, 12, 2],
      [0, 'other', 'Z', 5, 2, 13, 0],
    ])
    expect(read([tuples])).toEqual(records)
    expect(read([pack(records[0])])).toEqual([records[0]])
    const event = { id: 'e1', type: 'click' as const, item: 'A', session: 's', ts: 1 }
    expect(decodeEvents(pack({ site: 'demo', event }))).toEqual([['demo', event]])
  })

  it('carry many events of several sites in one events record, in order', () => {
    const events: SiteEvent[] = [
      ['demo', { id: 'e1', type: 'click', item: 'A', session: 's', ts: 1 }],
      ['shop', { id: 'e2', type: 'impression', items: ['A', 'B'], session: 't', ts: 2, list: 'home' }],
    ]
    expect(decodeEvents(encodeEvents(events))).toEqual(events)
  })
})
