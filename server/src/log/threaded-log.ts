import type { Event } from '@sequitur/sdk/protocol'
import type { Worker } from 'node:worker_threads'
import { systemClock, type Clock } from '../clock'
import { startTsWorker } from '../threads/ts-worker'
import type { AppendResult, EventSink, EventSource, LogRecord } from './event-log'
import type { WriterReply, WriterRequest } from './log-writer'
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
  /** The writer thread's module (URL); tests put one that fails in its place. */
  writer?: string
}

interface Waiting {
  site: string
  events: readonly Event[]
  resolve(result: AppendResult): void
  reject(error: unknown): void
}

/**
 * The embedded log with its appends on a thread of their own (`log-writer.ts`): the SQLite inserts and
 * the fsync of each group commit run beside the main thread instead of on it. The main thread keeps
 * what it appended in memory for the processor, and reads older records and trims through its own
 * connection. Same file format and guarantees as `SqliteLog`: `append` resolves once durable.
 */
export class ThreadedLog implements EventSink, EventSource {
  readonly #file: string
  readonly #clock: Clock
  readonly #reader: SqliteLog
  #tail = new LogTail()
  readonly #listeners = new Set<() => void>()
  readonly #waiting = new Map<number, Waiting>()
  readonly #onError: (error: unknown) => void
  readonly #writer: string
  #worker: Worker
  #next = 0
  #closing: Promise<void> | undefined

  constructor({ file, clock = systemClock, onError = () => {}, writer = import.meta.resolve('./log-writer.ts') }: ThreadedLogOptions) {
    this.#file = file
    this.#writer = writer
    this.#clock = clock
    this.#onError = onError
    this.#reader = new SqliteLog({ file, clock, tail: false }) // creates the table before the writer opens it
    this.#worker = this.#start()
  }

  /** Starts the writer; if it dies, the appends it held fail (their clients retry) and a new one starts. */
  #start(): Worker {
    const worker = startTsWorker(this.#writer, { file: this.#file })
    worker.on('message', (replies: WriterReply[]) => replies.forEach((reply) => this.#answer(reply)))
    worker.on('error', (error) => this.#onError(error))
    worker.on('exit', () => {
      if (this.#closing) return
      // It may have committed appends it did not answer: read from the file until past them.
      this.#tail = new LogTail()
      this.#failWaiting(new Error('the log writer stopped'))
      this.#worker = this.#start()
    })
    return worker
  }

  append(site: string, events: readonly Event[], encoded?: Uint8Array): Promise<AppendResult> {
    if (this.#closing) return Promise.reject(new Error('the log is closed'))
    return new Promise((resolve, reject) => {
      const id = ++this.#next
      this.#waiting.set(id, { site, events, resolve, reject })
      const now = this.#clock()
      if (!encoded) return this.#post({ id, site, events: events as Event[], now })
      // Moving a copy of the bytes (and the ids) costs less than cloning the events.
      const bytes = new Uint8Array(encoded) // a copy with a buffer of its own (Buffer#slice would share)
      this.#post({ id, site, ids: events.map((e) => e.id), encoded: bytes, now }, bytes.buffer)
    })
  }

  /** Sends a request at once (waiting for the end of the turn to send several together was slower: the answer comes later). */
  #post(request: WriterRequest, buffer?: ArrayBuffer): void {
    this.#worker.postMessage([request], buffer ? [buffer] : [])
  }

  #answer(reply: WriterReply): void {
    if ('closed' in reply) return
    const waiting = this.#waiting.get(reply.id)
    if (!waiting) return
    this.#waiting.delete(reply.id)
    if ('error' in reply) return waiting.reject(new Error(reply.error))
    // Answers come in commit order, so the tail's positions keep rising.
    const records = recordsOf(waiting.site, waiting.events, reply.seqs)
    this.#tail.push(records)
    waiting.resolve(appendResult(reply.seqs))
    if (records.length > 0) for (const listener of this.#listeners) listener()
  }

  #failWaiting(error: Error): void {
    for (const waiting of this.#waiting.values()) waiting.reject(error)
    this.#waiting.clear()
  }

  read(after: number, max: number): LogRecord[] {
    return this.#tail.read(after, max) ?? this.#reader.read(after, max)
  }

  onAppend(listener: () => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  trim(upTo: number, appendedBefore: number): number {
    return this.#reader.trim(upTo, appendedBefore)
  }

  /** Lets the writer commit and answer what it holds, then stops it. */
  close(): Promise<void> {
    this.#closing ??= new Promise<void>((resolve) => {
      this.#worker.once('exit', () => {
        this.#failWaiting(new Error('the log is closed'))
        this.#reader.close()
        this.#listeners.clear()
        resolve()
      })
      this.#post({ close: true })
    })
    return this.#closing
  }
}
