import type { ModelRow } from '@sequitur/sdk/protocol'
import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { useLocalBroker } from '../../dev/test-broker'
import { decodeEntry, validate, type SiteValidation } from '../model'
import { createKafka } from './client'
import { followTopic } from './topic-follower'
import { encodePart, type ValidationPart } from './validation-parts'
import { Validator } from './validator'

const broker = useLocalBroker()

const row = (...next: Array<[string, number]>): ModelRow => ({ total: next.reduce((n, [, c]) => n + c, 0), next })
const SESSIONS = [['A', 'B', 'C'], ['B', 'C'], ['A', 'A', 'B'], ['C', 'A']]
const ROWS: Record<number, Array<[string, ModelRow]>> = { 0: [['A', row(['B', 3], ['A', 1])]], 1: [['B', row(['C', 4])], ['C', row(['A', 1], ['D', 2])]] }
const id = { site: 'shop', from: 0, offset: 41, k: 2 }
const PARTS: ValidationPart[] = [
  { kind: 'sessions', ...id, day: 20_001, partitions: 2, chunk: 0, chunks: 1, sessions: SESSIONS },
  { kind: 'rows', ...id, partition: 0, request: 0, requests: 1, chunk: 0, chunks: 1, rows: ROWS[0]! },
  { kind: 'rows', ...id, partition: 1, request: 0, requests: 1, chunk: 0, chunks: 1, rows: ROWS[1]! },
]

describe('the validator', () => {
  it('loses no request when it stops with one half gathered: the next owner reads it again and writes the result', async () => {
    const prefix = `va${randomUUID().slice(0, 8)}`
    const topics = { input: `${prefix}.validation-parts`, output: `${prefix}.validations`, increments: `${prefix}.increments` }
    const kafka = createKafka([broker().brokers], 'validator-test', () => {})
    const admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({
      topics: [
        { topic: topics.input, numPartitions: 1 },
        { topic: topics.output, numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
        { topic: topics.increments, numPartitions: 2 },
      ],
      waitForLeaders: true,
    })
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 })
    await producer.connect()
    const send = (parts: ValidationPart[]) => producer.send({ topic: topics.input, messages: parts.map((p) => ({ key: p.site, value: encodePart(p) })), acks: -1 })
    const results: Array<SiteValidation | null> = []
    const follower = await followTopic(kafka, admin, topics.output, ({ key, value }) => {
      const entry = decodeEntry(key, value)
      if (entry.kind === 'validation') results.push(entry.validation)
    })
    // D, a hub (C's row names it) without a row of its own in the first round, is partition 1's.
    const options = { kafka, groupId: `${prefix}-validations`, ...topics, partitionOf: (_site: string, item: string) => (item === 'D' ? 1 : 0) }
    const asked = async () => {
      const offsets = await admin.fetchTopicOffsets(topics.increments)
      return offsets.map((o) => Number(o.high)).reduce((a, b) => a + b, 0)
    }
    try {
      // An unrelated part first: the offset may move past it, not past the request's first part.
      await send([{ kind: 'forget', site: 'gone', from: 1, offset: 5, k: -1 }, ...PARTS.slice(0, 2)])
      const first = new Validator(options)
      await first.start()
      const committed = async () => Number((await admin.fetchOffsets({ groupId: options.groupId, topics: [topics.input] }))[0]!.partitions[0]!.offset)
      await expect.poll(committed, { timeout: 30_000, interval: 200 }).toBe(1)
      await first.stop()
      expect(results).toEqual([null])
      await send(PARTS.slice(2))
      const second = new Validator(options)
      await second.start()
      // The first round complete, the validator asks every increments partition for the second.
      await expect.poll(asked, { timeout: 30_000, interval: 200 }).toBe(2)
      expect(results).toEqual([null])
      const D = row(['A', 2])
      await send([
        { kind: 'hubs', ...id, partition: 0, request: 0, requests: 1, chunk: 0, chunks: 1, rows: [] },
        { kind: 'hubs', ...id, partition: 1, request: 0, requests: 1, chunk: 0, chunks: 1, rows: [['D', D]] },
      ])
      const rows = new Map([...ROWS[0]!, ...ROWS[1]!, ['D', D]])
      const expected = { day: 20_001, ...validate((item) => rows.get(item), SESSIONS) }
      await expect.poll(() => results.length, { timeout: 30_000, interval: 200 }).toBe(2)
      expect(results[1]).toEqual(expected)
      expect(expected).toMatchObject({ cases: 6, sessions: 4 })
      await expect.poll(committed, { timeout: 30_000, interval: 200 }).toBe(6)
      await second.stop()
    } finally {
      await follower.stop()
      await producer.disconnect()
      await admin.disconnect()
    }
  }, 120_000)
})
