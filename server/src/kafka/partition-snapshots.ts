import Database from 'better-sqlite3'
import { randomUUID } from 'node:crypto'
import type { Admin, Kafka, Producer } from 'kafkajs'
import type { EncodedEntry } from '../model'
import type { PartitionStore } from './partition-store'
import { readPartition } from './partition-reader'
import { MAX_RECORD_BYTES } from './record-size'
import { ChunkCollector, chunkRecord, decodeSnapshotRecord, manifestRecord, retiredRecord, type SnapshotManifest } from './snapshot-records'

/** Raw bytes (keys + values) gathered before a chunk is packed: packed, it stays under the record limit. */
const CHUNK_RAW_BYTES = 384 * 1024

/** A snapshot read that gets no record for this long gives up (the changelog is replayed instead). */
const READ_IDLE_MS = 30_000

/** Chunk sends in flight at once while a snapshot is written. */
const IN_FLIGHT = 4

/** The latest complete snapshot of a partition, and where its manifest is. */
export interface FoundSnapshot {
  manifest: SnapshotManifest
  offset: number
}

/** What a partition's owner knows of its snapshots; the runner keeps one per partition it owns. */
export interface SnapshotState {
  latest?: FoundSnapshot
  /** Chunks each slot holds at most: a smaller snapshot in a slot retires the rest. */
  live: [number, number]
  /** Changelog bytes written or replayed since the latest snapshot. */
  bytes: number
  /** When the latest was taken, or the partition taken over (ms). */
  at: number
  /** The snapshot being written, if any. */
  writing?: Promise<void>
  /** No snapshot before this (ms): set after one failed. */
  notBefore: number
  /** Set when the partition is given up: a snapshot being written stops at its next chunk. */
  aborted: boolean
}

/** Options of a partition's snapshots. */
export interface PartitionSnapshotsOptions {
  kafka: Kafka
  admin: Admin
  /** The compacted snapshot topic, partitioned like the input. */
  topic: string
  /** Prefix of the throwaway consumers' groups. */
  groupPrefix: string
}

/**
 * Snapshots of partition stores in a compacted topic (partition p for input partition p). The owner
 * writes a consistent snapshot of its embedded store (a read transaction of its own, so the store
 * keeps taking writes) in chunks under the record limit, each carrying the offset of the latest
 * complete manifest, then a manifest; snapshots alternate between two slots, so a torn one never
 * spoils the one before. A new owner finds the latest complete one from the partition's last record.
 */
export class PartitionSnapshots {
  readonly #o: PartitionSnapshotsOptions
  #producer: Producer | undefined

  constructor(options: PartitionSnapshotsOptions) {
    this.#o = options
  }

  /** The latest complete snapshot of `partition` (none when there is none, or its changelog offset is before `low`) and what the slots hold. */
  async find(partition: number, now: number): Promise<SnapshotState> {
    const { admin, topic, kafka, groupPrefix } = this.#o
    const state: SnapshotState = { live: [0, 0], bytes: 0, at: now, notBefore: 0, aborted: false }
    const offsets = (await admin.fetchTopicOffsets(topic)).find((o) => o.partition === partition)
    const [low, high] = [Number(offsets?.low ?? 0), Number(offsets?.high ?? 0)]
    if (high <= low) return state
    const at = async (offset: number) => {
      let found: ReturnType<typeof decodeSnapshotRecord>
      await readPartition({ kafka, topic, partition, from: offset, last: offset, groupPrefix, idleTimeoutMs: READ_IDLE_MS, onRecord: (m) => void (found = decodeSnapshotRecord(m.key?.toString() ?? '', m.value)) })
      return found
    }
    // The last record is a manifest, or a chunk of a torn snapshot that points at the manifest before it.
    const tail = await at(high - 1)
    let manifest: FoundSnapshot | undefined
    if (tail?.type === 'manifest') manifest = { manifest: tail.manifest, offset: high - 1 }
    else if (tail && tail.base >= low) {
      state.live[tail.slot] = tail.index + 1
      const before = await at(tail.base)
      if (before?.type === 'manifest') manifest = { manifest: before.manifest, offset: tail.base }
    }
    if (!manifest) return state
    const { slot, chunks, other } = manifest.manifest
    state.latest = manifest
    state.at = manifest.manifest.at
    state.live[slot] = Math.max(state.live[slot], chunks)
    state.live[slot === 0 ? 1 : 0] = Math.max(state.live[slot === 0 ? 1 : 0], other)
    return state
  }

  /** Replaces `store`'s state with the snapshot's; false (the store as it was) when a chunk is missing. */
  async load(partition: number, { manifest, offset }: FoundSnapshot, store: PartitionStore): Promise<boolean> {
    const { kafka, topic, groupPrefix } = this.#o
    const collector = new ChunkCollector(manifest)
    const replacement = store.replace()
    try {
      await readPartition({
        kafka,
        topic,
        partition,
        from: manifest.first,
        last: offset,
        groupPrefix,
        idleTimeoutMs: READ_IDLE_MS,
        onRecord: (m) => collector.offer(decodeSnapshotRecord(m.key?.toString() ?? '', m.value), (entries) => replacement.add(entries)),
      })
    } catch (error) {
      replacement.rollback()
      throw error
    }
    if (!collector.complete()) {
      replacement.rollback()
      return false
    }
    replacement.commit(manifest.next)
    return true
  }

  /**
   * Writes a snapshot of the store's file as of its last flush, unless it is no newer than the latest;
   * updates `state` when complete. Stops (leaving a torn snapshot) once `state.aborted`.
   */
  async write(partition: number, file: string, state: SnapshotState, now: () => number): Promise<SnapshotManifest | undefined> {
    const { topic } = this.#o
    const producer = await this.#connected()
    const db = new Database(file, { readonly: true })
    try {
      db.pragma('busy_timeout = 5000')
      // One read transaction: the checkpoint and the entries are of the same moment, whatever the owner writes meanwhile.
      db.exec('BEGIN')
      const next = (db.prepare('SELECT next FROM checkpoint WHERE id = 1').pluck().get() as number | undefined) ?? 0
      const latest = state.latest?.manifest
      if (next === 0 || (latest && next <= latest.next)) return undefined
      const slot: 0 | 1 = latest?.slot === 0 ? 1 : 0
      const id = randomUUID()
      const base = state.latest?.offset ?? -1
      const at = now()
      let first = Number.POSITIVE_INFINITY
      let chunks = 0
      let entries = 0
      let bytes = 0
      const inFlight: Array<Promise<unknown>> = []
      const send = async (record: { key: string; value: Buffer }) => {
        if (inFlight.length >= IN_FLIGHT) await inFlight.shift()
        if (state.aborted) throw new Error('partition given up')
        const sent = producer.send({ topic, acks: -1, messages: [{ ...record, partition }] }).then(([meta]) => {
          first = Math.min(first, Number(meta?.baseOffset ?? first))
        })
        sent.catch(() => {})
        inFlight.push(sent)
      }
      // A chunk that packs over the record limit (a few huge entries) goes in halves.
      const emit = async (part: readonly EncodedEntry[]): Promise<void> => {
        const record = chunkRecord(slot, id, chunks, base, part)
        if (record.value.length > MAX_RECORD_BYTES && part.length > 1) {
          await emit(part.slice(0, part.length >> 1))
          return emit(part.slice(part.length >> 1))
        }
        chunks++
        await send(record)
      }
      let group: EncodedEntry[] = []
      let groupBytes = 0
      const flush = async () => {
        await emit(group)
        group = []
        groupBytes = 0
      }
      for (const [key, value] of db.prepare('SELECT key, value FROM state').raw().iterate() as Iterable<[string, Buffer]>) {
        group.push([key, value])
        groupBytes += key.length + value.length
        entries++
        bytes += key.length + value.length
        if (groupBytes >= CHUNK_RAW_BYTES) await flush()
      }
      if (group.length > 0 || chunks === 0) await flush()
      await Promise.all(inFlight.splice(0))
      // A smaller snapshot than the slot's last leaves chunks behind: retire them (tiny records replace them).
      for (let index = chunks; index < state.live[slot]; index++) await send(retiredRecord(slot, id, index, base))
      await Promise.all(inFlight.splice(0))
      const manifest: SnapshotManifest = { id, slot, next, since: latest?.next ?? 0, chunks, first, entries, bytes, other: state.live[slot === 0 ? 1 : 0], at }
      const [meta] = await producer.send({ topic, acks: -1, messages: [{ ...manifestRecord(manifest), partition }] })
      state.latest = { manifest, offset: Number(meta?.baseOffset ?? -1) }
      state.live[slot] = chunks
      return manifest
    } finally {
      if (db.inTransaction) db.exec('ROLLBACK')
      db.close()
    }
  }

  /** Disconnects the producer. */
  async stop(): Promise<void> {
    await this.#producer?.disconnect().catch(() => {})
    this.#producer = undefined
  }

  async #connected(): Promise<Producer> {
    if (this.#producer) return this.#producer
    const producer = this.#o.kafka.producer({ allowAutoTopicCreation: false })
    await producer.connect()
    return (this.#producer = producer)
  }
}
