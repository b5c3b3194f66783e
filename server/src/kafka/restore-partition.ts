import type { Admin, Kafka } from 'kafkajs'
import { restoreEntries } from '../model'
import type { PartitionSnapshots, SnapshotState } from './partition-snapshots'
import type { PartitionStore } from './partition-store'
import { readPartition } from './partition-reader'
import { MARKER_KEY, unbundle, type ChangelogRecord, type StageTask } from './stage'

/** What a restore of one partition needs. */
export interface PartitionRestore {
  kafka: Kafka
  admin: Admin
  changelog: string
  /** The stage's group (names the throwaway consumers and the log lines). */
  groupId: string
  partition: number
  /** The value of the marker the new owner committed to the changelog: the restore reads up to it. */
  token: string
  task: StageTask
  store: PartitionStore
  /** The stage's snapshots and what is known of this partition's, when it takes them. */
  snapshots?: { topic: PartitionSnapshots; state: SnapshotState }
  now: () => number
  log?: (line: string) => void
}

/**
 * Restores a partition's state into `task`: the embedded store (first replaced by the latest snapshot
 * when the store is empty, older than the changelog's start, or older than the snapshot before the
 * latest), then the changelog from the store's checkpoint up to the marker (the store follows).
 * Returns the next input offset.
 */
export async function restorePartition(o: PartitionRestore): Promise<number> {
  const { admin, changelog, groupId, partition, task, store, snapshots, log } = o
  const [{ low = '0' } = {}] = (await admin.fetchTopicOffsets(changelog)).filter((p) => p.partition === partition)
  let from = store.checkpoint()
  if (snapshots) from = await loadSnapshot(o, snapshots, from, Number(low))
  if (from < Number(low)) {
    // Compaction or retention removed records the store never saw: start over from the changelog's start.
    store.wipe()
    from = Number(low)
  }
  const replayStarted = o.now()
  const { records, end } = await replay(o, from)
  const replayed = o.now()
  // Each key once, at its latest value: the changelog's tail over the store's entries.
  const tail = new Map<string, Buffer | null>()
  let bytes = 0
  for (const record of records) {
    bytes += record.key.length + (record.value?.length ?? 0)
    for (const { key, value } of unbundle(record)) tail.set(key, value)
  }
  let stored = 0
  const state = function* () {
    for (const entry of store.entries()) {
      stored++
      if (!tail.has(entry.key)) yield entry
    }
    for (const [key, value] of tail) if (value) yield { key, value }
  }
  const next = restoreEntries(state(), task)
  store.apply(records, end)
  // The changelog a later new owner would replay after the latest snapshot, near enough.
  if (snapshots) snapshots.state.bytes = bytes
  log?.(
    `${groupId}: partition ${partition}: ${stored} keys from the embedded store, ${records.length} changelog records from offset ${from}; resuming at input offset ${next} (replayed in ${replayed - replayStarted} ms, restored in ${o.now() - replayed} ms)`,
  )
  return next
}

/** Replaces the store's state with the latest snapshot when that saves replaying; returns the checkpoint to replay from. */
async function loadSnapshot({ groupId, partition, store, now, log }: PartitionRestore, { topic, state }: NonNullable<PartitionRestore['snapshots']>, from: number, low: number): Promise<number> {
  const latest = state.latest
  if (!latest) return from
  const { next, since, entries, bytes } = latest.manifest
  if (next < low) {
    log?.(`${groupId}: partition ${partition}: snapshot at changelog offset ${next} is older than the changelog's start (${low}): ignored`)
    return from
  }
  // A store that can be used and is at most one snapshot interval behind replays less than a snapshot loads.
  if (next <= from || (from > 0 && from >= low && from >= since)) return from
  const started = now()
  try {
    if (await topic.load(partition, latest, store)) {
      log?.(`${groupId}: partition ${partition}: loaded the snapshot at changelog offset ${next} (${entries} keys, ${(bytes / 1e6).toFixed(1)} MB) in ${now() - started} ms`)
      return next
    }
    log?.(`${groupId}: partition ${partition}: the snapshot at changelog offset ${next} misses chunks: ignored`)
  } catch (error) {
    log?.(`${groupId}: partition ${partition}: cannot read the snapshot at changelog offset ${next} (${(error as Error).message}): ignored`)
  }
  return store.checkpoint()
}

/** Reads the changelog partition from `from` up to the marker; returns its records and the offset after the marker. */
async function replay({ kafka, changelog, groupId, partition, token }: PartitionRestore, from: number): Promise<{ records: ChangelogRecord[]; end: number }> {
  const records: ChangelogRecord[] = []
  let end = from
  await readPartition({
    kafka,
    topic: changelog,
    partition,
    from,
    groupPrefix: `${groupId}-restore`,
    onRecord: (m) => {
      const key = m.key?.toString() ?? ''
      if (key !== MARKER_KEY) records.push({ key, value: m.value })
      else if (m.value?.toString() === token) {
        end = Number(m.offset) + 1
        return true
      }
      return false
    },
  })
  return { records, end }
}
