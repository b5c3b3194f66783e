import { pack, unpack } from 'msgpackr'
import type { Restorable } from '../model'
import { packInChunks } from './record-size'

/** A record a stage reads: its offset in the input partition, its value, and its timestamp (when the log received it). */
export interface InputRecord {
  offset: number
  value: Buffer
  timestamp: number
}

/** A record a stage writes to an output topic. */
export interface OutputRecord {
  topic: string
  /** The partition, when the stage picks it (otherwise the key's). */
  partition?: number
  key: string
  /** `null` is a tombstone. */
  value: Buffer | null
  headers?: Record<string, string>
}

/** A write to the stage's changelog (its partition is the input partition). */
export interface ChangelogRecord {
  key: string
  /** `null` deletes the key. */
  value: Buffer | null
}

/** What a batch of input turns into; written in one Kafka transaction with the input offset. */
export interface StageResult {
  outputs: OutputRecord[]
  changelog: ChangelogRecord[]
  /** How many events the batch's records carried, when a record may carry several. */
  events?: number
  /** How many impressions and clicks came too late for trending. */
  late?: number
}

/**
 * The logic of one stage for one input partition, free of Kafka: restored from its changelog, then
 * fed batches of input in order.
 */
export interface StageTask extends Restorable {
  /** Processes records in offset order; mutates the task's state. */
  process(records: readonly InputRecord[]): StageResult
}

/** Changelog key of the marker a new owner writes to find the end of the changelog. */
export const MARKER_KEY = '__marker__'

/** Changelog key prefix of a bundle: the changelog writes of one transaction in one record. */
export const BUNDLE_KEY = '__bundle__'

/**
 * The changelog writes of one transaction (ending with the next input offset) as few records as fit,
 * keyed by that offset and their index. Only for a changelog with a retention: every bundle has its
 * own key, so compaction keeps them all until the retention deletes them.
 */
export function bundleOf(records: readonly ChangelogRecord[], next: number): ChangelogRecord[] {
  const entries = records.map(({ key, value }) => [key, value] as const)
  return packInChunks(entries, pack).map((value, i) => ({ key: `${BUNDLE_KEY}\0${next}\0${i}`, value }))
}

/** The changelog writes a record stands for: those of a bundle, or the record itself. */
export function unbundle(record: ChangelogRecord): ChangelogRecord[] {
  if (!record.key.startsWith(BUNDLE_KEY) || !record.value) return [record]
  return (unpack(record.value) as Array<[string, Buffer | null]>).map(([key, value]) => ({ key, value }))
}

/**
 * The state a changelog's records (bundles unbundled) leave: each key once, at its latest value,
 * deletions gone. A changelog may hold several values of a key (a cell grows in many transactions,
 * compaction keeps one only eventually): a restore applies this, never the records one by one.
 */
export function latestState(records: Iterable<ChangelogRecord>): ChangelogRecord[] {
  const state = new Map<string, Buffer | null>()
  for (const record of records) for (const { key, value } of unbundle(record)) state.set(key, value)
  return [...state].flatMap(([key, value]) => (value ? [{ key, value }] : []))
}
