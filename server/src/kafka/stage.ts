/** A record a stage reads: its offset in the input partition and its value. */
export interface InputRecord {
  offset: number
  value: Buffer
}

/** A record a stage writes to an output topic. */
export interface OutputRecord {
  topic: string
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
}

/**
 * The logic of one stage for one input partition, free of Kafka: restored from its changelog, then
 * fed batches of input in order.
 */
export interface StageTask {
  /** Applies one changelog record while restoring. */
  restore(key: string, value: Buffer | null): void
  /** Called once every changelog record is restored. */
  restored(): void
  /** Processes records in offset order; mutates the task's state. */
  process(records: readonly InputRecord[]): StageResult
}

/** Changelog key holding the next input offset the state reflects. */
export const OFFSET_KEY = '__offset__'
/** Changelog key of the marker a new owner writes to find the end of the changelog. */
export const MARKER_KEY = '__marker__'
