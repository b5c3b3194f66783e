import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'

type Message = { key: string; partition: number }
type Group = (o: { topic: string; partitionMetadata: unknown[]; messages: Message[]; partitioner: (o: { message: Message }) => number }) => Record<number, Message[]>
const groupMessagesPerPartition = createRequire(import.meta.url)('kafkajs/src/producer/groupMessagesPerPartition') as Group

type Fetched = { offset: string; key: Buffer | null; batchContext: { producerId: string; inTransaction: boolean } }
type Filter = (o: { messages: Fetched[]; abortedTransactions: Array<{ producerId: string; firstOffset: string }> }) => Fetched[]
const filterAbortedMessages = createRequire(import.meta.url)('kafkajs/src/consumer/filterAbortedMessages') as Filter
const ABORT = Buffer.from([0, 0, 0, 0])

type Produced = { topic: string; partitions: Array<{ partition: number; messages: unknown[] }> }
type Send = (o: { acks: number; topicMessages: Array<{ topic: string; messages: Array<{ partition: number; value: string }> }> }) => Promise<Array<{ topicName: string; partition: number }>>
type SendFactory = (o: Record<string, unknown>) => Send
const sendMessages = createRequire(import.meta.url)('kafkajs/src/producer/sendMessages') as SendFactory
const createRetry = createRequire(import.meta.url)('kafkajs/src/retry') as (o: object) => unknown
const { createErrorFromCode } = createRequire(import.meta.url)('kafkajs/src/protocol/error') as { createErrorFromCode: (code: number) => Error }
const NOT_LEADER = 6
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

  // A send to two partitions led by brokers 1 and 2. Broker 2 is restarting: it answers
  // NOT_LEADER, and the metadata then says broker 1 leads both. Unpatched, the retry sent only to
  // brokers without an answer: broker 1 had answered for partition 0, so partition 1's messages were
  // never sent and the send resolved anyway (in a transaction: committed without them).
  it('sends a failed partition again to its new leader, even when that broker has already answered for another partition', async () => {
    const leaders = new Map([[0, 1], [1, 2]])
    const received: Array<{ broker: number; partition: number; messages: number }> = []
    const broker = (nodeId: number) => ({
      nodeId,
      async produce({ topicData }: { topicData: Produced[] }) {
        if (nodeId === 2 && leaders.get(1) === 2) throw createErrorFromCode(NOT_LEADER)
        for (const t of topicData) for (const p of t.partitions) received.push({ broker: nodeId, partition: p.partition, messages: p.messages.length })
        const partitions = topicData.flatMap((t) => t.partitions.map((p) => ({ partition: p.partition, errorCode: 0, baseOffset: '0' })))
        return { topics: [{ topicName: 't', partitions }] }
      },
    })
    const brokers = new Map([[1, broker(1)], [2, broker(2)]])
    const metadata = () => [...leaders].map(([partitionId, leader]) => ({ partitionId, leader }))
    const cluster = {
      refreshMetadataIfNecessary: async () => {},
      // The restart is over once the client asks again: broker 1 leads partition 1.
      refreshMetadata: async () => void leaders.set(1, 1),
      addMultipleTargetTopics: async () => {},
      isConnected: () => true,
      removeBroker: () => {},
      findTopicPartitionMetadata: () => metadata(),
      findLeaderForPartitions: (_: string, partitions: string[]) => {
        const byLeader: Record<number, number[]> = {}
        for (const p of partitions.map(Number)) (byLeader[leaders.get(p)!] ??= []).push(p)
        return byLeader
      },
      findBroker: async ({ nodeId }: { nodeId: string }) => brokers.get(Number(nodeId)),
    }
    const sequences = new Map<string, number>()
    const eosManager = {
      isTransactional: () => false,
      acquireBrokerLock: async () => {},
      releaseBrokerLock: async () => {},
      getSequence: (topic: string, partition: number) => sequences.get(`${topic}-${partition}`) ?? 0,
      updateSequence: (topic: string, partition: number, n: number) => sequences.set(`${topic}-${partition}`, (sequences.get(`${topic}-${partition}`) ?? 0) + n),
      getProducerId: () => -1,
      getProducerEpoch: () => 0,
    }
    const logger = { debug: () => {}, error: () => {}, info: () => {}, warn: () => {} }
    const send = sendMessages({ logger, cluster, partitioner: ({ message }: { message: { partition: number } }) => message.partition, eosManager, retrier: createRetry({ retries: 3, initialRetryTime: 1 }) })
    const answer = await send({ acks: -1, topicMessages: [{ topic: 't', messages: [{ partition: 0, value: 'a' }, { partition: 1, value: 'b' }, { partition: 1, value: 'c' }] }] })
    expect(received).toEqual([{ broker: 1, partition: 0, messages: 1 }, { broker: 1, partition: 1, messages: 2 }])
    expect(answer.map((a) => a.partition).sort()).toEqual([0, 1])
    // Partition 0 went once: its sequence moved by its one message, partition 1's by its two.
    expect([sequences.get('t-0'), sequences.get('t-1')]).toEqual([1, 2])
  })
})
