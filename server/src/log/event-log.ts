import type { Event } from '@sequitur/sdk/protocol'

/** The outcome of appending a batch: how many events were new and how many the log already held. */
export interface AppendResult {
  accepted: number
  duplicates: number
}

/** One event in the log with its position. Positions grow strictly. */
export interface LogRecord {
  seq: number
  site: string
  event: Event
  /** When the log received the event (ms): the model bounds the event's time by it. */
  receivedAt: number
}

/** Options of `LogUnavailableError`. */
export interface LogUnavailableOptions {
  /** Seconds the sender should wait before sending the batch again. */
  retryAfterSeconds: number
  /** What made the log refuse or miss the batch. */
  cause?: unknown
}

/**
 * The log could not make a batch durable now (e.g. the broker did not acknowledge in time); sending
 * it again later is safe, since a log skips event ids it already holds.
 */
export class LogUnavailableError extends Error {
  override name = 'LogUnavailableError'
  /** Seconds the sender should wait before sending the batch again. */
  readonly retryAfterSeconds: number

  constructor(message: string, { retryAfterSeconds, cause }: LogUnavailableOptions) {
    super(message, { cause })
    this.retryAfterSeconds = retryAfterSeconds
  }
}

/** The edge's side of the event log: append a validated batch durably. */
export interface EventSink {
  /**
   * Resolves once the batch is durable; events whose id the log already holds are skipped.
   * `encoded`, when given, is the msgpack request body whose `events` array holds exactly `events`,
   * element by element (each element's bytes decode to that event): a log may store those bytes
   * instead of encoding the events again. Rejects with `LogUnavailableError` when the log cannot take
   * the batch now.
   */
  append(site: string, events: readonly Event[], encoded?: Uint8Array): Promise<AppendResult>
}

/** The processor's side of an embedded log: read in order from a position. */
export interface EventSource {
  /** At most `max` records after position `after`, in order. */
  read(after: number, max: number): LogRecord[]
  /** Calls `listener` after every append; returns an unsubscribe function. */
  onAppend(listener: () => void): () => void
  /** Drops processed records older than the retention (of one site only, when given). */
  trim(upTo: number, appendedBefore: number, site?: string): number
}
