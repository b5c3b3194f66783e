import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'

type Message = { key: string; partition: number }
type Group = (o: { topic: string; partitionMetadata: unknown[]; messages: Message[]; partitioner: (o: { message: Message }) => number }) => Record<number, Message[]>
const groupMessagesPerPartition = createRequire(import.meta.url)('kafkajs/src/producer/groupMessagesPerPartition') as Group

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
})
