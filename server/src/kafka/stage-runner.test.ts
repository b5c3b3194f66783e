import { randomUUID } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { decodeEntry, encodeEntry, type StateEntry } from '../model'
import { createKafka } from './client'
import type { InputRecord, StageResult, StageTask } from './stage'
import { StageRunner } from './stage-runner'
import { useLocalBroker } from '../../dev/test-broker'

const broker = useLocalBroker()

/** Counts its input records in its state (a state entry in its changelog); throws once, after counting, when told to. */
class CountingTask implements StageTask {
  count = 0
  constructor(readonly failOnce: { armed: boolean }) {}
  restore(entry: StateEntry): void {
    if (entry.kind === 'clock' && entry.site === 'count') this.count = entry.time ?? 0
  }
  restored(): void {}
  process(records: readonly InputRecord[]): StageResult {
    this.count += records.length
    if (this.failOnce.armed) {
      this.failOnce.armed = false
      throw new Error('failed in the middle of a batch')
    }
    const [key, value] = encodeEntry({ kind: 'clock', site: 'count', time: this.count })
    return { outputs: [], changelog: [{ key, value }] }
  }
}

/** The count a batch's changelog holds. */
const countIn = (result: StageResult): number => {
  const entry = decodeEntry(result.changelog[0]!.key, result.changelog[0]!.value)
  return entry.kind === 'clock' ? (entry.time ?? -1) : -1
}

describe('a stage runner', () => {
  it('whose task fails in the middle of a batch restores its state from the changelog before the batch comes again', async () => {
    const prefix = `sr${randomUUID().slice(0, 8)}`
    const kafka = createKafka([broker().brokers], 'stage-runner-test', () => {})
    const admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({
      topics: [
        { topic: `${prefix}.in`, numPartitions: 1 },
        { topic: `${prefix}.changelog`, numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
      ],
      waitForLeaders: true,
    })
    const producer = kafka.producer()
    await producer.connect()
    const send = (n: number) => producer.send({ topic: `${prefix}.in`, messages: Array.from({ length: n }, () => ({ value: 'x' })) })
    const failOnce = { armed: true }
    const logs: string[] = []
    let count = 0
    const runner = new StageRunner({
      kafka,
      groupId: `${prefix}-counter`,
      transactionalIdPrefix: `${prefix}-counter`,
      input: `${prefix}.in`,
      changelog: `${prefix}.changelog`,
      stateDir: mkdtempSync(join(tmpdir(), 'sequitur-runner-')),
      createTask: () => new CountingTask(failOnce),
      onCommit: ({ result }) => (count = countIn(result)),
      log: (line) => logs.push(line),
    })
    try {
      await send(10)
      void runner.start()
      // The failed attempt counted the batch in the task's state: a task kept as it was would say 20.
      await expect.poll(() => count, { timeout: 60_000, interval: 100 }).toBe(10)
      expect(failOnce.armed).toBe(false)
      expect(logs.some((line) => /batch failed \(failed in the middle of a batch\); restoring/.test(line))).toBe(true)
      await send(5)
      await expect.poll(() => count, { timeout: 30_000, interval: 100 }).toBe(15)
    } finally {
      await runner.stop()
      await producer.disconnect()
      await admin.disconnect()
    }
  }, 180_000)
})
