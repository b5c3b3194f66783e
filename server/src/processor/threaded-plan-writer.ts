import type { Worker } from 'node:worker_threads'
import { startTsWorker } from '../threads/ts-worker'
import type { CommitPlan, PlanWriter } from './commit-plan'
import type { PlanReply, PlanRequest } from './plan-writer-thread'

/** Options of the threaded plan writer. */
export interface ThreadedPlanWriterOptions {
  /** The state database file. */
  file: string
  /** Called with what makes the thread fail. */
  onError?: (error: unknown) => void
  /** The thread's module (URL); tests put one that fails in its place. */
  thread?: string
}

/**
 * Writes the processor's commits on a thread of their own (`plan-writer-thread.ts`, its own
 * connection to the state file), so that the SQLite work and the fsync of each commit leave the
 * main thread. Plans are written in the order given. If the thread dies, the plans it held fail (the
 * processor reloads from its last commit and replays the log) and a new thread starts.
 */
export class ThreadedPlanWriter implements PlanWriter {
  readonly #o: Required<ThreadedPlanWriterOptions>
  readonly #waiting = new Map<number, { resolve(): void; reject(error: Error): void }>()
  #worker: Worker
  #next = 0
  #closed: Promise<void> | undefined

  constructor({ file, onError = () => {}, thread = import.meta.resolve('./plan-writer-thread.ts') }: ThreadedPlanWriterOptions) {
    this.#o = { file, onError, thread }
    this.#worker = this.#start()
  }

  #start(): Worker {
    const worker = startTsWorker(this.#o.thread, { file: this.#o.file })
    worker.on('message', (reply: PlanReply) => {
      if ('closed' in reply) return
      const waiting = this.#waiting.get(reply.id)
      this.#waiting.delete(reply.id)
      if (reply.error === undefined) waiting?.resolve()
      else waiting?.reject(new Error(reply.error))
    })
    worker.on('error', this.#o.onError)
    worker.on('exit', () => {
      for (const waiting of this.#waiting.values()) waiting.reject(new Error('the commit writer stopped'))
      this.#waiting.clear()
      if (!this.#closed) this.#worker = this.#start()
    })
    return worker
  }

  write(plan: CommitPlan, epoch: number): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('the commit writer is closed'))
    return new Promise((resolve, reject) => {
      const id = ++this.#next
      this.#waiting.set(id, { resolve, reject })
      this.#worker.postMessage({ id, epoch, plan } satisfies PlanRequest)
    })
  }

  /** Writes what was posted, then stops the thread. */
  close(): Promise<void> {
    this.#closed ??= new Promise<void>((resolve) => {
      this.#worker.once('exit', () => resolve())
      this.#worker.postMessage({ close: true } satisfies PlanRequest)
    })
    return this.#closed
  }
}
