/**
 * Restoring a stage-2 (counts) partition on a new machine, without its embedded store, on a local
 * single-node broker: from the latest snapshot plus the changelog after it (`restore_seconds`), and
 * by replaying the whole changelog as before snapshots (`restore_full_replay_seconds`); and the
 * snapshot's size and write time. The partition holds `--cells` count cells (default 10 million;
 * `--quick` 1 million) of one site, each written `--traffic` times over the window (default 2), then
 * a tail of 10 % of them written after the snapshot. `--no-full` skips the full replay.
 * Each restore is a real `StageRunner` taking the partition over into a real `CountTask`, timed from
 * its start to its log line "resuming at input offset".
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startLocalBroker } from '../server/dev/local-broker'
import { DAY_MS } from '../server/src/clock'
import { createKafka } from '../server/src/kafka/client'
import { CountTask } from '../server/src/kafka/count-task'
import { IncrementsWriter } from '../server/src/kafka/increments-codec'
import { PartitionSnapshots, type SnapshotState } from '../server/src/kafka/partition-snapshots'
import { PartitionStore } from '../server/src/kafka/partition-store'
import { bundleOf, type ChangelogRecord } from '../server/src/kafka/stage'
import { StageRunner } from '../server/src/kafka/stage-runner'
import { DEFAULT_MODEL_OPTIONS, encodeEntry } from '../server/src/model'
import { quick, report, round } from './suite.mts'

const arg = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback)
const cells = arg('cells', quick ? 1_000_000 : 10_000_000)
const traffic = arg('traffic', 2)
const full = !process.argv.includes('--no-full')
/** Cells per changelog transaction (one bundle of ~4 MB, in 512 KB records). */
const WAVE = 100_000

const broker = await startLocalBroker({ heapOpts: ['-Xms1g', '-Xmx1g'] })
const kafka = createKafka([broker.brokers], 'restore-bench', () => {})
const admin = kafka.admin()
await admin.connect()
const prefix = `restore${Date.now()}`
const topics = { input: `${prefix}.increments`, changelog: `${prefix}.counts-changelog`, snapshots: `${prefix}.counts-snapshots` }
await admin.createTopics({
  topics: [
    { topic: topics.input, numPartitions: 1 },
    { topic: topics.changelog, numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact,delete' }, { name: 'retention.ms', value: String(62 * DAY_MS) }] },
    { topic: topics.snapshots, numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }, { name: 'segment.bytes', value: String(64 * 1024 * 1024) }] },
  ],
  waitForLeaders: true,
})

// One site, 500 cells a source item (50 next items × 10 days of the window): the keys of real count cells.
const now = Date.now()
const today = Math.floor(now / DAY_MS)
const cellOf = (i: number, n: number) =>
  encodeEntry({ kind: 'cell', site: 'shop', stat: 'next', src: `item${Math.floor(i / 500)}`, dst: `item${(i * 7919) % 100_000}`, day: today - (Math.floor(i / 50) % 10), n })
const dir = mkdtempSync(join(tmpdir(), 'sequitur-restore-'))
const store = new PartitionStore(join(dir, 'writer.db'), { maxPending: 2 * WAVE })
const producer = kafka.producer()
await producer.connect()
let transactions = 0
let changelogBytes = 0

/** Writes cells `from`..`to` - 1 at count `n` to the changelog as one transaction's bundle would; the store follows when `keep`. */
async function wave(from: number, to: number, n: number, keep: boolean): Promise<void> {
  const writes: ChangelogRecord[] = [encodeEntry({ kind: 'clock', site: 'shop', time: now })].map(([key, value]) => ({ key, value }))
  for (let i = from; i < to; i++) {
    const [key, value] = cellOf(i, n)
    writes.push({ key, value })
  }
  const [key, value] = encodeEntry({ kind: 'position', next: ++transactions })
  writes.push({ key, value })
  const log = bundleOf(writes, transactions)
  // A transaction's records go side by side (each key once in it, so their order does not matter).
  const sent = await Promise.all(log.map((record) => producer.send({ topic: topics.changelog, messages: [{ ...record, partition: 0 }] })))
  const last = Math.max(...sent.map(([meta]) => Number(meta!.baseOffset)))
  for (const record of log) changelogBytes += record.key.length + record.value!.length
  if (keep) store.apply(writes, last + 1)
}

let started = performance.now()
for (let r = 1; r <= traffic; r++) for (let i = 0; i < cells; i += WAVE) await wave(i, Math.min(cells, i + WAVE), r, r === traffic)
store.flush()
const buildSeconds = (performance.now() - started) / 1000
console.log(`changelog: ${transactions} transactions, ${(changelogBytes / 1e6).toFixed(0)} MB in ${buildSeconds.toFixed(0)} s`)

// The snapshot the owner takes, then a tail of transactions after it.
const snapshots = new PartitionSnapshots({ kafka, admin, topic: topics.snapshots, groupPrefix: `${prefix}-snapshot` })
const state: SnapshotState = { live: [0, 0], bytes: 0, at: now, notBefore: 0, aborted: false }
started = performance.now()
const manifest = (await snapshots.write(0, store.file, state, Date.now))!
const snapshotSeconds = (performance.now() - started) / 1000
await snapshots.stop()
console.log(`snapshot: ${manifest.entries} keys, ${(manifest.bytes / 1e6).toFixed(0)} MB in ${manifest.chunks} chunks, ${snapshotSeconds.toFixed(1)} s`)
for (let i = 0; i < cells / 10; i += WAVE) await wave(i, Math.min(cells / 10, i + WAVE), traffic + 1, true)
store.close()

// A record on the input partition makes a runner take it over (it is before the restored position: skipped).
const trigger = new IncrementsWriter(topics.input, 0, 1, () => 0)
trigger.clock('shop', now)
await producer.send({ topic: topics.input, messages: trigger.drain().map(({ key, value }) => ({ key, value, partition: 0 })) })
await producer.disconnect()

/** Seconds a new owner with an empty store takes to restore the partition. */
async function restore(withSnapshots: boolean): Promise<{ seconds: number; line: string }> {
  const stateDir = mkdtempSync(join(dir, 'owner-'))
  let done: (line: string) => void
  const restored = new Promise<string>((resolve) => (done = resolve))
  const runner = new StageRunner({
    kafka,
    groupId: `${prefix}-counts`,
    transactionalIdPrefix: `${prefix}-counts`,
    input: topics.input,
    changelog: topics.changelog,
    bundleChangelog: true,
    ...(withSnapshots ? { snapshots: { topic: topics.snapshots, policy: { minBytes: Number.MAX_SAFE_INTEGER, everyMs: Number.MAX_SAFE_INTEGER } } } : {}),
    stateDir,
    createTask: () => new CountTask(DEFAULT_MODEL_OPTIONS, { rowsTopic: `${prefix}.rows`, profilesTopic: `${prefix}.profiles`, trendingTopic: `${prefix}.trending` }),
    log: (line) => {
      console.log(`  ${((performance.now() - t0) / 1000).toFixed(1)} s: ${line}`)
      if (/resuming at input offset/.test(line)) done(line)
    },
  })
  const t0 = performance.now()
  void runner.start()
  const line = await restored
  const seconds = (performance.now() - t0) / 1000
  await runner.stop()
  rmSync(stateDir, { recursive: true, force: true })
  return { seconds, line }
}

const fromSnapshot = await restore(true)
console.log(`restore from the snapshot: ${fromSnapshot.seconds.toFixed(1)} s`)
const fromScratch = full ? await restore(false) : undefined
if (fromScratch) console.log(`restore by full replay: ${fromScratch.seconds.toFixed(1)} s`)
await admin.disconnect()
await broker.stop()
rmSync(dir, { recursive: true, force: true })

report(
  'restore',
  `One stage-2 partition of ${cells.toLocaleString('en')} count cells (one site), each written ${traffic}× over the window ` +
    `(${transactions} transactions, ${(changelogBytes / 1e6).toFixed(0)} MB of changelog), then 10 % of them after the snapshot; ` +
    'a new owner without its store restores it into a CountTask (StageRunner: marker, snapshot, changelog tail) on a local single-node broker, 2 shared cores.',
  {
    restore_cells: cells,
    restore_seconds: round(fromSnapshot.seconds, 1),
    ...(fromScratch ? { restore_full_replay_seconds: round(fromScratch.seconds, 1) } : {}),
    restore_changelog_mb: round(changelogBytes / 1e6, 0),
    snapshot_mb: round(manifest.bytes / 1e6, 0),
    snapshot_write_seconds: round(snapshotSeconds, 1),
  },
)
