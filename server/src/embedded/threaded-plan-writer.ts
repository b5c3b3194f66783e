import { ThreadCalls } from '../threads'
import type { CommitPlan, PlanWriter } from './commit-plan'
import type { PlanCall } from './plan-writer-thread'

/** Options of the threaded plan writer. */
export interface ThreadedPlanWriterOptions {
  /** The state database file. */
  file: string
  /** Called with what makes the thread fail. */
  onError?: (error: unknown) => void
  /** Called when the thread died and a new one was started. */
  onRestart?: () => void
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
  readonly #thread: ThreadCalls<PlanCall, { id: number }>

  constructor({ file, onError, onRestart, thread = import.meta.resolve('./plan-writer-thread.ts') }: ThreadedPlanWriterOptions) {
    this.#thread = new ThreadCalls({ module: thread, data: { file }, name: 'the commit writer', onError, onRestart })
  }

  async write(plan: CommitPlan, epoch: number): Promise<void> {
    await this.#thread.call({ epoch, plan })
  }

  /** Writes what was posted, then stops the thread. */
  close(): Promise<void> {
    return this.#thread.close()
  }
}
