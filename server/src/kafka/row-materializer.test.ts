import type { ModelRow } from '@sequitur/sdk/protocol'
import type { Admin, Kafka } from 'kafkajs'
import { randomUUID } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { RowChanges } from '../feed'
import { encodeEntry } from '../model'
import { BoundedRowView } from '../state'
import { createKafka } from './client'
import { RowMaterializer } from './row-materializer'
import { useLocalBroker } from '../../dev/test-broker'

const broker = useLocalBroker()
const row = (total: number): ModelRow => ({ total, next: [['B', total]] })

/** A materializer of `topic` into the edge file `file`, started: what it stored, pushed and logged. */
async function materialize(kafka: Kafka, admin: Admin, topic: string, file: string) {
  const changes: RowChanges[] = []
  const logs: string[] = []
  const rows = new BoundedRowView({ file, cacheRows: 0 })
  const materializer = new RowMaterializer({ kafka, topic, rows, onChanges: (c) => changes.push(c), log: (line) => logs.push(line) })
  await materializer.start(admin)
  return { rows, changes, logs, stop: async () => (await materializer.stop(), rows.close()) }
}

describe('RowMaterializer', () => {
  it('keeps the rows topic in a file of the edge; a restarted edge reads on from the offset it reached, and a file ahead of its topic is read again', async () => {
    const kafka = createKafka([broker().brokers], 'row-materializer-test', () => {})
    const admin = kafka.admin()
    const producer = kafka.producer()
    await Promise.all([admin.connect(), producer.connect()])
    const topics = [`rows-${randomUUID()}`, `rows-${randomUUID()}`]
    await admin.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] })) })
    const send = (topic: string, rows: Array<[string, ModelRow | null]>) =>
      producer.send({ topic, messages: rows.map(([item, r]) => ({ key: encodeEntry({ kind: 'row', site: 'demo', item, row: r })[0], value: encodeEntry({ kind: 'row', site: 'demo', item, row: r })[1] })) })
    const file = join(mkdtempSync(join(tmpdir(), 'sequitur-materializer-')), 'rows.db')
    const run = (topic: string) => materialize(kafka, admin, topic, file)
    try {
      await send(topics[0]!, [['A', row(1)], ['B', row(2)], ['__proto__', row(3)], ['E', row(4)], ['E', null]])
      const first = await run(topics[0]!)
      expect(first.rows.version()).toBe(5)
      expect({ ...first.rows.changedSince('demo', ['A', 'B', '__proto__', 'E'], 2) }).toEqual({ ['__proto__']: row(3), E: null })
      expect(first.changes.flatMap((c) => Object.keys(c.rows))).toEqual(['A', 'B', '__proto__', 'E'])
      await first.stop()

      await send(topics[0]!, [['A', row(10)], ['F', row(6)]])
      const second = await run(topics[0]!)
      expect(second.logs).toContain(`rows: resuming at offsets 5 of 0–7 from the edge's copy`)
      // Only what came after the offset its file reached.
      await expect.poll(() => second.changes.flatMap((c) => Object.keys(c.rows)), { timeout: 20_000 }).toEqual(['A', 'F'])
      expect(second.rows.version()).toBe(7)
      expect({ ...second.rows.rows('demo', ['A', 'B', '__proto__', 'E', 'F']) }).toEqual({ A: row(10), B: row(2), ['__proto__']: row(3), F: row(6) })
      // Pushes to a subscriber carry on from there.
      second.rows.hold('demo', ['B'])
      await send(topics[0]!, [['B', row(20)]])
      await expect.poll(() => second.rows.changedSince('demo', ['B'], 7), { timeout: 20_000 }).toEqual({ B: row(20) })
      await second.stop()

      await send(topics[1]!, [['G', row(7)]])
      const third = await run(topics[1]!)
      expect(third.logs).toContain('rows: the copy reached offsets 8, the topic holds 0–1: reading it again from its start')
      expect([third.rows.version(), { ...third.rows.rows('demo', ['A', 'G']) }]).toEqual([1, { G: row(7) }])
      await third.stop()
    } finally {
      await Promise.all([admin.disconnect(), producer.disconnect()])
    }
  }, 120_000)

  it('follows every partition of a partitioned rows topic: each change names its partition and the cursor after it; a restart reads each partition on from its offset', async () => {
    const kafka = createKafka([broker().brokers], 'row-materializer-test', () => {})
    const admin = kafka.admin()
    const producer = kafka.producer()
    await Promise.all([admin.connect(), producer.connect()])
    const topic = `rows-${randomUUID()}`
    await admin.createTopics({ topics: [{ topic, numPartitions: 3, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }] })
    const send = (partition: number, rows: Array<[string, ModelRow | null]>) =>
      producer.send({ topic, messages: rows.map(([item, r]) => ({ partition, key: encodeEntry({ kind: 'row', site: 'demo', item, row: r })[0], value: encodeEntry({ kind: 'row', site: 'demo', item, row: r })[1] })) })
    const file = join(mkdtempSync(join(tmpdir(), 'sequitur-materializer-')), 'rows.db')
    const run = () => materialize(kafka, admin, topic, file)
    try {
      await send(0, [['A', row(1)], ['B', row(2)]])
      await send(2, [['C', row(3)]])
      const first = await run()
      expect(first.rows.cursor()).toEqual([2, 0, 1])
      expect(first.rows.version()).toBe(3)
      expect(first.changes.map((c) => [c.partition, Object.keys(c.rows)]).sort()).toEqual([[0, ['A', 'B']], [2, ['C']]])
      expect(first.changes.every((c) => c.cursor?.length === 3 && c.version === c.cursor.reduce((a, b) => a + b))).toBe(true)
      // At or past each partition's entry: B (offset 1 of 0) and C (offset 0 of 2).
      expect(Object.keys(first.rows.changedSince('demo', ['A', 'B', 'C'], [1, 0, 0])).sort()).toEqual(['B', 'C'])
      await first.stop()

      await send(1, [['D', row(4)]])
      await send(2, [['C', row(30)]])
      const second = await run()
      expect(second.logs).toContain(`rows: resuming at offsets 2.0.1 of 0–2, 0–1, 0–2 from the edge's copy`)
      await expect.poll(() => second.rows.cursor(), { timeout: 20_000 }).toEqual([2, 1, 2])
      expect(second.changes.map((c) => [c.partition, Object.keys(c.rows)]).sort()).toEqual([[1, ['D']], [2, ['C']]])
      expect({ ...second.rows.changedSince('demo', ['A', 'B', 'C', 'D'], [2, 0, 1]) }).toEqual({ C: row(30), D: row(4) })
      await second.stop()
    } finally {
      await Promise.all([admin.disconnect(), producer.disconnect()])
    }
  }, 120_000)
})
