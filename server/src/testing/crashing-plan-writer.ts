/**
 * A commit writer thread for tests: the first time (no marker file beside the state file), it dies
 * on the first plan it is sent, before writing it. From then on it is the real thread.
 */
import { existsSync, writeFileSync } from 'node:fs'
import { parentPort, workerData } from 'node:worker_threads'

const { file } = workerData as { file: string }
const marker = `${file}.crashed`
if (existsSync(marker)) {
  await import('../embedded/plan-writer-thread')
} else {
  parentPort!.once('message', () => {
    writeFileSync(marker, '')
    process.exit(1)
  })
}
