import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'

type Message = { key: string; partition: number }
type Group = (o: { topic: string; partitionMetadata: unknown[]; messages: Message[]; partitioner: (o: { message: Message }) => number }) => Record<number, Message[]>
const groupMessagesPerPartition = createRequire(import.meta.url)('kafkajs/src/producer/groupMessagesPerPartition') as Group

type Fetched = { offset: string; key: Buffer | null; batchContext: { producerId: string; inTransaction: boolean } }
type Filter = (o: { messages: Fetched[]; abortedTransactions: Array<{ producerId: string; firstOffset: string }> }) => Fetched[]
const filterAbortedMessages = createRequire(import.meta.url)('kafkajs/src/consumer/filterAbortedMessages') as Filter
const ABORT = Buffer.from([0, 0, 0, 0])
const COMMIT = Buffer.from([0, 0, 0, 1])

describe('kafkajs as patched by patches/kafkajs+2.2.4.patch (applied by npm ci)', () => {
  // A stage's transaction sends thousands of keyed records (sessions, rows) to one partition. The
  // unpatched grouping copies the partition's list for every message: 100,000 messages take a minute
  // and a half there (past the test timeout), milliseconds here.
  it("groups a send's messages per partition, in order, in linear time", () => {
    const messages = Array.from({ length: 100_000 }, (_, i) => ({ key: `k${i}`, partition: i % 1000 === 0 ? 1 : 0 }))
    const groups = groupMessagesPerPartition({
      topic: 't',
      partitionMetadata: [{}, {}],
      messages,
      partitioner: ({ message }) => message.partition,
    })
    expect(groups[0]).toHaveLength(99_900)
    expect(groups[1]!.map((m) => m.key).slice(0, 3)).toEqual(['k0', 'k1000', 'k2000'])
    expect(groups[0]!.every((m, i) => i === 0 || Number(m.key.slice(1)) > Number(groups[0]![i - 1]!.key.slice(1)))).toBe(true)
  })

  // Two producers' transactions were aborted and started before the fetch's first offset. Producer
  // 2's abort marker comes first in the fetch, then its next, committed, transaction. Unpatched,
  // kafkajs entered one aborted transaction per message: producer 2's was entered only after its
  // marker had passed, and its committed record at 13 was dropped: a stage reading with
  // read_committed then never saw it (the suspected loss of the rolling restart in kafka-cluster.test.ts).
  it("keeps a producer's committed records after its abort marker when several aborted transactions started before the fetch", () => {
    const record = (offset: number, producerId: string, key: Buffer | null = null) => ({ offset: String(offset), key, batchContext: { producerId, inTransaction: true } })
    const messages = [record(12, '2', ABORT), record(13, '2'), record(14, '1'), record(15, '1', ABORT), record(16, '2', COMMIT), record(17, '1')]
    const kept = filterAbortedMessages({ messages, abortedTransactions: [{ producerId: '1', firstOffset: '10' }, { producerId: '2', firstOffset: '11' }] })
    // 14 is producer 1's aborted record; every other record stays (markers are dropped later, as control records).
    expect(kept.map((m) => m.offset)).toEqual(['12', '13', '15', '16', '17'])
  })
})
