/**
 * Runs a processor stage on its own thread. Both stages in one event loop made each of their Kafka
 * requests wait for the other stage's batches; on their own threads they also run side by side.
 */
import type { Worker } from 'node:worker_threads'
import { startTsWorker } from '../threads'
import type { StageCommit, StageMessage, StageThreadOptions } from './run-stage'

export type { StageCommit, StageThreadOptions } from './run-stage'

/**
 * A stage allocates its batches' objects (decoded events, records, buffers) at a high rate, and all
 * die young. A 96 MB young generation instead of V8's default for a thread means fewer scavenges:
 * 56,464 and 57,619 events/s end to end against 49,448 with the default in back-to-back runs of the
 * Kafka suite (processor 18.1 against 19.2 µs of CPU per event; 48 MB: 54,233, 192 MB: 57,121). It
 * costs up to that much memory per stage thread.
 */
const STAGE_YOUNG_GENERATION_MB = 96

/** A stage running on its own thread. */
export interface StageThread {
  /** Stops the stage and ends the thread. */
  stop(): Promise<void>
  /** Ends the thread at once, as a crash would (it is then started again). */
  kill(): Promise<void>
}

/**
 * Starts a stage on a worker thread; resolves once it runs. `onCommit` gets each committed batch's
 * counts, `log` its log lines. A thread that dies is started again after a second (`onRestart`).
 */
export async function startStageThread(
  options: StageThreadOptions,
  onCommit: (commit: StageCommit) => void,
  log: (line: string) => void,
  onRestart?: () => void,
): Promise<StageThread> {
  let stopping = false
  let worker: Worker
  let running = false
  const start = () =>
    new Promise<void>((resolve, reject) => {
      if (stopping) return resolve()
      worker = startTsWorker(import.meta.resolve('./stage-thread-entry.ts'), { stageThread: options }, { maxYoungGenerationSizeMb: STAGE_YOUNG_GENERATION_MB })
      running = true
      worker.on('message', (message: StageMessage) => {
        if (message[0] === 'log') log(message[1])
        else if (message[0] === 'commit') onCommit(message[1])
        else resolve()
      })
      worker.on('error', (error) => log(`${options.stage} thread: ${error.stack ?? String(error)}`))
      worker.once('exit', (code) => {
        running = false
        reject(new Error(`the ${options.stage} thread exited with ${code} while starting`))
        if (stopping) return
        log(`${options.stage} thread exited with ${code}; starting it again`)
        onRestart?.()
        setTimeout(() => void start().catch((error: unknown) => log(String(error))), 1000)
      })
    })
  await start()
  return {
    async stop() {
      stopping = true
      // Between a death and its restart there is no thread to stop (and none is started after this).
      if (!running) return
      const exited = new Promise((resolve) => worker.once('exit', resolve))
      worker.postMessage('stop')
      // A stage that does not stop within the session timeout is ended.
      const timer = setTimeout(() => void worker.terminate(), 15_000)
      await exited
      clearTimeout(timer)
    },
    async kill() {
      await worker.terminate()
    },
  }
}

