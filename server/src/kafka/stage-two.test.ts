import { pack } from 'msgpackr'
import { describe, expect, it } from 'vitest'
import { decodeEvents, encodeEvents, type SiteEvent } from './event-records'
import { decodeStageTwo, encodeStageTwo, type StageTwoRecord } from './stage-two'

describe('the records between the Kafka stages', () => {
  it('carry every kind of stage-two record as tuples and back, in order', () => {
    const records: StageTwoRecord[] = [
      { type: 'row', site: 'demo', src: 'A', adds: [['next', 'B', 20_000, 1], ['related', 'C', 20_000, 30]], ts: 1, from: 2, offset: 10, k: 0 },
      { type: 'take', site: 'demo', kind: 'impression', item: 'A', list: 'home', ts: 2, from: 2, offset: 11, k: 0 },
      { type: 'take', site: 'demo', kind: 'click', item: 'B', ts: 3, from: 2, offset: 11, k: 1 },
      { type: 'profile', site: 'demo', user: 'u1', day: 20_000, item: { id: 'A', category: 'shoes', price: 30 }, ts: 4, from: 3, offset: 12, k: 2 },
      { type: 'row', site: 'other', src: 'Z', adds: [], ts: 5, from: 0, offset: 0, k: 0 },
    ]
    expect(decodeStageTwo(encodeStageTwo(records))).toEqual(records)
  })

  it('still read the one-record-per-value form of earlier versions', () => {
    const old: StageTwoRecord = { type: 'row', site: 'demo', src: 'A', adds: [['next', 'B', 20_000, 1]], ts: 1, from: 0, offset: 5, k: 0 }
    expect(decodeStageTwo(pack(old))).toEqual([old])
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
