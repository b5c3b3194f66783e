import { randomUUID } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Kafka } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeEntry, type StateEntry } from '../model'
import { createKafka } from './client'
import { readPartition } from './partition-reader'
import { PartitionSnapshots } from './partition-snapshots'
import { chunkRecord, decodeSnapshotRecord } from './snapshot-records'
import type { InputRecord, StageResult, StageTask } from './stage'
import { StageRunner } from './stage-runner'
import { useLocalBroker } from '../../dev/test-broker'

const broker = useLocalBroker()

/** An input record: sessions to set (each to a list of items) and sessions to end. */
interface Step {
  set: Array<[session: string, items: string[]]>
  end: string[]
}

/** Keeps sessions' items as its state; each batch's changes go to the changelog. `state` is what it holds. */
class SessionsTask implements StageTask {
  readonly state = new Map<string, string>()
  restoredAt = 0
  restore(entry: StateEntry): void {
    if (entry.kind === 'session' && entry.point) this.state.set(entry.session, entry.point.items.join(','))
  }
  restored(): void {
    this.restoredAt = Date.now()
  }
  process(records: readonly InputRecord[]): StageResult {
    const changelog = []
    for (const { value } of records) {
      const step = JSON.parse(value.toString()) as Step
      for (const [session, items] of step.set) {
        this.state.set(session, items.join(','))
        const [key, v] = encodeEntry({ kind: 'session', site: 's', session, point: { items, ts: 1 } })
        changelog.push({ key, value: v })
      }
      for (const session of step.end) {
        this.state.delete(session)
        const [key, v] = encodeEntry({ kind: 'session', site: 's', session, point: null })
        changelog.push({ key, value: v })
      }
    }
    return { outputs: [], changelog }
  }
}

/** Sessions `from`..`to` - 1 set to ~300 bytes of items tagged with `round`. */
const setting = (from: number, to: number, round: number): Step => ({
  set: Array.from({ length: to - from }, (_, i) => [`u${from + i}`, Array.from({ length: 12 }, (_, k) => `item-${round}-${k}-${'x'.repeat(10)}`)]),
  end: [],
})

let kafka: Kafka
let prefix: string
const logs: string[] = []
let sent = 0

const topics = () => ({ input: `${prefix}.in`, changelog: `${prefix}.changelog`, snapshots: `${prefix}.snapshots` })

async function send(steps: Step[]): Promise<void> {
  const producer = kafka.producer()
  await producer.connect()
  await producer.send({ topic: topics().input, messages: steps.map((s) => ({ value: JSON.stringify(s) })) })
  await producer.disconnect()
  sent += steps.length
}

/** When the runner takes snapshots: often, or never (it still loads them); `none`: it knows of none. */
const POLICIES = { take: { minBytes: 1, everyMs: 500 }, load: { minBytes: Number.MAX_SAFE_INTEGER, everyMs: Number.MAX_SAFE_INTEGER } }

/** Runs a runner with a fresh store folder (a new machine) until its task has processed every record sent; returns the task. */
async function runUntilCaughtUp(snapshots: 'take' | 'load' | 'none', run?: (task: SessionsTask) => Promise<void>): Promise<SessionsTask> {
  const task = new SessionsTask()
  let next = -1
  const runner = new StageRunner({
    kafka,
    groupId: `${prefix}-g`,
    transactionalIdPrefix: `${prefix}-g`,
    input: topics().input,
    changelog: topics().changelog,
    bundleChangelog: true,
    ...(snapshots === 'none' ? {} : { snapshots: { topic: topics().snapshots, policy: POLICIES[snapshots] } }),
    stateDir: mkdtempSync(join(tmpdir(), 'sequitur-snapshots-')),
    createTask: () => task,
    onCommit: (info) => (next = info.next),
    log: (line) => logs.push(line),
  })
  void runner.start()
  try {
    // Restoring waits for a batch: one more record (that changes nothing) brings it.
    await send([{ set: [], end: [] }])
    await expect.poll(() => next, { timeout: 60_000, interval: 100 }).toBe(sent)
    await run?.(task)
  } finally {
    await runner.stop()
  }
  return task
}

/** Sends a record that changes nothing every 300 ms (a commit, where the policy is asked) until `n` snapshots were taken. */
async function untilSnapshots(n: number): Promise<void> {
  for (let tries = 0; snapshotsTaken().length < n; tries++) {
    if (tries > 200) throw new Error(`${snapshotsTaken().length} snapshots, not ${n}`)
    await send([{ set: [], end: [] }])
    await new Promise((r) => setTimeout(r, 300))
  }
}

const loaded = () => logs.filter((l) => l.includes('loaded the snapshot'))
const snapshotsTaken = () => logs.filter((l) => / snapshot of \d+ keys/.test(l))

beforeAll(async () => {
  prefix = `ss${randomUUID().slice(0, 8)}`
  kafka = createKafka([broker().brokers], 'snapshot-test', () => {})
  const admin = kafka.admin()
  await admin.connect()
  await admin.createTopics({
    topics: [
      { topic: topics().input, numPartitions: 1 },
      { topic: topics().changelog, numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact,delete' }] },
      { topic: topics().snapshots, numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
    ],
    waitForLeaders: true,
  })
  await admin.disconnect()
}, 180_000)
afterAll(() => {
  if (process.env.SEQUITUR_DUMP) console.log(logs.join('\n'))
})

describe('a stage runner with snapshots', () => {
  it('restores a new owner without its store from the latest snapshot and the changelog after it: the state of a full replay', async () => {
    // 3,000 sessions (~1 MB: snapshots of several chunks), rewritten, then mostly ended (a smaller snapshot retires chunks).
    await send([0, 1, 2].map((r) => setting(r * 1000, r * 1000 + 1000, 0)))
    const first = await runUntilCaughtUp('take', async () => {
      await send([setting(0, 3000, 1)])
      await untilSnapshots(2)
      await send([{ set: [], end: Array.from({ length: 2500 }, (_, i) => `u${i + 500}`) }, setting(0, 200, 2)])
      // Two more: the first may have begun before the sessions ended.
      await untilSnapshots(snapshotsTaken().length + 2)
    })
    // The tail after the latest snapshot: a few more changes no snapshot has.
    await send([setting(100, 300, 3), { set: [], end: ['u0', 'u1'] }])
    expect(first.state.size).toBe(500)

    const restored = await runUntilCaughtUp('load')
    const full = await runUntilCaughtUp('none')
    expect(loaded().length).toBe(1)
    const replays = [...logs.join('\n').matchAll(/(\d+) keys from the embedded store, (\d+) changelog records from offset (\d+)/g)].map((m) => m.slice(1).map(Number))
    const [fromSnapshot, fromScratch] = replays.slice(-2)
    // The snapshot's keys, then only the tail; the full replay: every transaction of the changelog.
    expect(fromSnapshot![0]).toBeGreaterThan(0)
    expect(fromSnapshot![1]).toBeLessThan(fromScratch![1]! / 2)
    expect(fromScratch![0]).toBe(0)
    expect(restored.state.size).toBe(498)
    expect(new Map([...restored.state].sort())).toEqual(new Map([...full.state].sort()))
    expect(restored.state.get('u150')).toBe(full.state.get('u150'))
    expect(restored.state.get('u150')).toMatch(/^item-3-/)

    // Old snapshots do not accumulate: the latest value of each key is the two slots' chunks, the rest retired.
    const latest = new Map<string, ReturnType<typeof decodeSnapshotRecord>>()
    const admin = kafka.admin()
    await admin.connect()
    const { high } = (await admin.fetchTopicOffsets(topics().snapshots))[0]!
    await admin.disconnect()
    await readPartition({
      kafka,
      topic: topics().snapshots,
      partition: 0,
      from: 0,
      last: Number(high) - 1,
      groupPrefix: `${prefix}-check`,
      onRecord: (m) => void latest.set(m.key!.toString(), decodeSnapshotRecord(m.key!.toString(), m.value)),
    })
    const manifests = [...latest.values()].flatMap((r) => (r?.type === 'manifest' ? [r.manifest] : []))
    expect(manifests.length).toBe(2)
    const chunks = [...latest.values()].flatMap((r) => (r?.type === 'chunk' ? [r] : []))
    // The runner may have been stopped in the middle of a snapshot: its chunks replace some of the older slot's.
    expect(chunks.length).toBeLessThanOrEqual(manifests[0]!.chunks + manifests[1]!.chunks)
    const newest = manifests.reduce((a, b) => (a.next > b.next ? a : b))
    expect(chunks.filter((c) => c.id === newest.id).length).toBe(newest.chunks)
    expect([...latest.values()].some((r) => r?.type === 'retired')).toBe(true)
  }, 300_000)

  it('ignores a torn snapshot for the complete one before it, and a snapshot older than the changelog\'s start', async () => {
    const admin = kafka.admin()
    await admin.connect()
    const offsets = async (topic: string) => (await admin.fetchTopicOffsets(topic))[0]!
    const found = await new PartitionSnapshots({ kafka, admin, topic: topics().snapshots, groupPrefix: `${prefix}-check` }).find(0, Date.now())
    const { manifest, offset: manifestAt } = found.latest!
    // A torn snapshot after it, in the other slot: chunks of a new id (with a wrong state) and no manifest.
    const producer = kafka.producer()
    await producer.connect()
    const wrong = encodeEntry({ kind: 'session', site: 's', session: 'u150', point: { items: ['torn'], ts: 1 } })
    const other = manifest.slot === 0 ? 1 : 0
    for (const index of [0, 1]) await producer.send({ topic: topics().snapshots, messages: [{ ...chunkRecord(other, 'torn', index, manifestAt, [wrong]), partition: 0 }] })
    await producer.disconnect()

    const loads = loaded().length
    const restored = await runUntilCaughtUp('load')
    const full = await runUntilCaughtUp('none')
    expect(loaded().length).toBe(loads + 1)
    expect(loaded().at(-1)).toContain(`loaded the snapshot at changelog offset ${manifest.next} `)
    expect(restored.state.get('u150')).toMatch(/^item-3-/)
    expect(new Map([...restored.state].sort())).toEqual(new Map([...full.state].sort()))

    // Retention deletes the changelog up to past the snapshot's offset: the snapshot is ignored, the changelog replayed from its start.
    const end = Number((await offsets(topics().changelog)).high)
    await admin.deleteTopicRecords({ topic: topics().changelog, partitions: [{ partition: 0, offset: String(Math.min(end, manifest.next + 3)) }] })
    const afterRetention = await runUntilCaughtUp('load')
    const fullAfterRetention = await runUntilCaughtUp('none')
    await admin.disconnect()
    expect(logs.some((l) => /snapshot at changelog offset \d+ is older than the changelog's start/.test(l))).toBe(true)
    expect(loaded().length).toBe(loads + 1)
    expect(new Map([...afterRetention.state].sort())).toEqual(new Map([...fullAfterRetention.state].sort()))
  }, 300_000)
})
