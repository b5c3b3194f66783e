import type { Event } from '@sequitur/sdk/protocol'
import { systemClock, type Clock } from '../clock'
import { ThreadCalls } from '../threads'
import type { AppendResult, EventSink, EventSource, LogRecord } from './event-log'
import type { WriterAnswer, WriterCall } from './log-writer'
import { LogTail } from './log-tail'
import { appendResult, recordsOf, SqliteLog } from './sqlite-log'

/** Options of the threaded log. */
export interface ThreadedLogOptions {
  /** The database file. */
  file: string
  /** The clock stamping append times (used by retention). */
  clock?: Clock
  /** Called with what makes the writer thread fail. */
  onError?: (error: unknown) => void
  /** Called when the writer thread died and a new one was started. */
  onRestart?: () => void
  /** The writer thread's module (URL); tests put one that fails in its place. */
  writer?: string
}

/**
 * The embedded log with its appends on a thread of their own (`log-writer.ts`): the SQLite inserts and
 * the fsync of each group commit run beside the main thread instead of on it. The main thread keeps
 * what it appended in memory for the processor, and reads older records and trims through its own
 * connection. Same file format and guarantees as `SqliteLog`: `append` resolves once durable.
 */
export class ThreadedLog implements EventSink, EventSource {
  readonly #clock: Clock
  readonly #reader: SqliteLog
  #tail = new LogTail()
  readonly #listeners = new Set<() => void>()
  readonly #writer: ThreadCalls<WriterCall, WriterAnswer>

  constructor({ file, clock = systemClock, onError, onRestart, writer = import.meta.resolve('./log-writer.ts') }: ThreadedLogOptions) {
    this.#clock = clock
    this.#reader = new SqliteLog({ file, clock, tail: false }) // creates the table before the writer opens it
    // If the writer dies, the appends it held fail (their clients retry) and a new one starts. It may
    // have committed appends it did not answer: the tail starts afresh, so they are read from the file.
    this.#writer = new ThreadCalls({ module: writer, data: { file }, name: 'the log writer', onError, onRestart: () => {
        this.#tail = new LogTail()
        onRestart?.()
      },
    })
  }

  async append(site: string, events: readonly Event[], encoded?: Uint8Array): Promise<AppendResult> {
    const now = this.#clock()
    // Sent at once: collecting the sends of one turn into one message was slower (the answer comes later).
    let answer: Promise<WriterAnswer>
    if (!encoded) answer = this.#writer.call({ site, events: events as Event[], now })
    else {
      // Moving a copy of the bytes (and the ids) costs less than cloning the events.
      const bytes = new Uint8Array(encoded) // a copy with a buffer of its own (Buffer#slice would share)
      answer = this.#writer.call({ site, ids: events.map((e) => e.id), encoded: bytes, now }, [bytes.buffer])
    }
    const { seqs } = await answer
    // Answers come in commit order, so the tail's positions keep rising.
    const records = recordsOf(site, events, seqs, now)
    this.#tail.push(records)
    if (records.length > 0) for (const listener of this.#listeners) listener()
    return appendResult(seqs)
  }

  read(after: number, max: number): LogRecord[] {
    return this.#tail.read(after, max) ?? this.#reader.read(after, max)
  }

  onAppend(listener: () => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  trim(upTo: number, appendedBefore: number, site?: string): number {
    return this.#reader.trim(upTo, appendedBefore, site)
  }

  /** Deletes every record of a site (the site was removed); returns how many the file held. */
  removeSite(site: string): number {
    this.#tail.removeSite(site)
    return this.#reader.removeSite(site)
  }

  /** Lets the writer commit and answer what it holds, then stops it. */
  async close(): Promise<void> {
    await this.#writer.close()
    this.#reader.close()
    this.#listeners.clear()
  }
}
