import type { Worker } from 'node:worker_threads'
import { startTsWorker } from '../threads/ts-worker'
import type { CommitPlan, PlanWriter } from './commit-plan'
import type { PlanReply, PlanRequest } from './plan-writer-thread'

/**
 * Writes the processor's commits on a thread of their own (`plan-writer-thread.ts`, its own
 * connection to the state file), so that the SQLite work and the fsync of each commit leave the
 * main thread. Plans are written in the order given.
 */
export class ThreadedPlanWriter implements PlanWriter {
  readonly #worker: Worker
  readonly #waiting = new Map<number, { resolve(): void; reject(error: Error): void }>()
  #next = 0
  #closed: Promise<void> | undefined

  constructor(file: string, onError: (error: unknown) => void = () => {}) {
    this.#worker = startTsWorker(import.meta.resolve('./plan-writer-thread.ts'), { file })
    this.#worker.on('message', (reply: PlanReply) => {
      if ('closed' in reply) return
      const waiting = this.#waiting.get(reply.id)
      this.#waiting.delete(reply.id)
      if (reply.error === undefined) waiting?.resolve()
      else waiting?.reject(new Error(reply.error))
    })
    this.#worker.on('error', onError)
    // A writer that stopped answers nothing more: fail what waits (the processor reloads; the log still holds it all).
    this.#worker.on('exit', () => this.#fail(new Error('the commit writer stopped')))
  }

  write(plan: CommitPlan, epoch: number): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('the commit writer is closed'))
    return new Promise((resolve, reject) => {
      const id = ++this.#next
      this.#waiting.set(id, { resolve, reject })
      this.#worker.postMessage({ id, epoch, plan } satisfies PlanRequest)
    })
  }

  #fail(error: Error): void {
    for (const waiting of this.#waiting.values()) waiting.reject(error)
    this.#waiting.clear()
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
