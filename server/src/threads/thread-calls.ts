import type { Worker } from 'node:worker_threads'
import { startTsWorker } from './ts-worker'

/** What a worker thread answers: `{ id, error }` for a failed request, `{ id, ... }` otherwise. */
type Reply = { id: number; error?: string } | { closed: true }

/** Options of a thread's caller. */
export interface ThreadCallsOptions {
  /** The thread's module (URL) and its `workerData`. */
  module: string
  data: object
  /** Names the thread in errors, e.g. "the log writer". */
  name: string
  /** Called with what makes the thread fail. */
  onError?: (error: unknown) => void
  /** Called when the thread died unasked, before what waits fails and a new thread starts. */
  onRestart?: () => void
}

/**
 * Requests to a worker thread, each answered once: the thread gets arrays of `{ id, ... }` and
 * answers arrays of `{ id, ... }`. If the thread dies, what waits fails and a new one starts;
 * `close()` lets it finish what it holds (it answers `{ closed: true }` and exits).
 */
export class ThreadCalls<Request extends object, Answer extends { id: number }> {
  readonly #o: ThreadCallsOptions
  readonly #waiting = new Map<number, { resolve(answer: Answer): void; reject(error: Error): void }>()
  #worker: Worker
  #next = 0
  #closed: Promise<void> | undefined

  constructor(options: ThreadCallsOptions) {
    this.#o = options
    this.#worker = this.#start()
  }

  #start(): Worker {
    const worker = startTsWorker(this.#o.module, this.#o.data)
    worker.on('message', (replies: Reply[]) => replies.forEach((reply) => this.#answer(reply)))
    worker.on('error', (error) => this.#o.onError?.(error))
    worker.on('exit', () => {
      if (this.#closed) return
      this.#o.onRestart?.()
      this.#fail(new Error(`${this.#o.name} stopped`))
      this.#worker = this.#start()
    })
    return worker
  }

  /** Sends `request` at once; resolves with its answer. */
  call(request: Request, transfer: ArrayBuffer[] = []): Promise<Answer> {
    if (this.#closed) return Promise.reject(new Error(`${this.#o.name} is closed`))
    return new Promise((resolve, reject) => {
      const id = ++this.#next
      this.#waiting.set(id, { resolve, reject })
      this.#worker.postMessage([{ ...request, id }], transfer)
    })
  }

  #answer(reply: Reply): void {
    if ('closed' in reply) return
    const waiting = this.#waiting.get(reply.id)
    this.#waiting.delete(reply.id)
    if (reply.error === undefined) waiting?.resolve(reply as Answer)
    else waiting?.reject(new Error(reply.error))
  }

  #fail(error: Error): void {
    for (const waiting of this.#waiting.values()) waiting.reject(error)
    this.#waiting.clear()
  }

  /** Lets the thread finish and answer what it holds, then stops it. */
  close(): Promise<void> {
    this.#closed ??= new Promise<void>((resolve) => {
      this.#worker.once('exit', () => {
        this.#fail(new Error(`${this.#o.name} is closed`))
        resolve()
      })
      this.#worker.postMessage([{ close: true }])
    })
    return this.#closed
  }
}
