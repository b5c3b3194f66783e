import type { Event } from '@sequitur/sdk/protocol'
import { randomUUID } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { modelOptions } from '../model'
import { createKafka } from './client'
import { KafkaEventSink } from './event-sink'
import { startStageThread } from './stage-thread'
import { useLocalBroker } from '../../dev/test-broker'
import { ensureTopics, topicsOf } from './topics'

const broker = useLocalBroker()

const clicks = (n: number): Event[] =>
  Array.from({ length: n }, (_, i) => ({ id: randomUUID(), type: 'click', item: `I${i % 7}`, session: `s${i % 3}`, ts: Date.now() }))

describe('a stage thread', () => {
  it('that dies is started again and goes on from its last commit, counting every event once', async () => {
    const prefix = `st${randomUUID().slice(0, 8)}`
    const topics = topicsOf(prefix)
    const kafka = createKafka([broker().brokers], 'stage-thread-test', () => {})
    const admin = kafka.admin()
    await admin.connect()
    await ensureTopics(admin, topics, { partitions: 2, windowDays: 60, retentionDays: 7 })
    const sink = new KafkaEventSink({ kafka, topic: topics.events, partitions: 2 })
    let events = 0
    const logs: string[] = []
    const options = { stage: 'sessions' as const, brokers: [broker().brokers], prefix, dataDir: mkdtempSync(join(tmpdir(), 'sequitur-stage-')), model: modelOptions() }
    let restarts = 0
    const thread = await startStageThread(options, (commit) => (events += commit.events), (line) => logs.push(line), () => restarts++)
    try {
      await sink.append('demo', clicks(30))
      await expect.poll(() => events, { timeout: 30_000 }).toBe(30)
      await thread.kill()
      await sink.append('demo', clicks(20))
      await expect.poll(() => events, { timeout: 90_000, interval: 250 }).toBe(50)
      expect(logs.some((line) => /sessions thread exited with 1; starting it again/.test(line))).toBe(true)
      expect(restarts).toBe(1)
    } finally {
      await thread.stop()
      await sink.close()
      await admin.disconnect()
    }
  }, 180_000)
})
